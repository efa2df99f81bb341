from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401 - registers, so we can unregister
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

# Staff accounts are not in the Django admin: every change to one goes through chime.accounts.staff (audited, with
# a second admin for what opens records), on Chime's own staff pages (chime.accounts.staff_views).

# django-otp registers admin pages for devices, which show each person's secret key and QR code: a way to copy
# someone's second factor. Devices are managed through Chime's own pages and the staff pages' reset action.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
