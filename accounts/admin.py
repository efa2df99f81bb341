# django-otp registers admin pages for devices, which show each person's secret key and QR code: a way to copy
# someone's second factor. Devices are managed through Chime's own pages and the staff admin's reset action.
from django.contrib import admin
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401 - registers, so we can unregister
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
