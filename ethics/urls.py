"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

from django.urls import path

from ethics.views import consent, sharing

urlpatterns = [
    path("people/<int:pk>/consents/", consent.person_consents, name="person-consents"),
    path("people/<int:pk>/consents/new/", consent.consent_create, name="consent-create"),
    path("people/<int:pk>/share/", sharing.share, name="share"),
    path("consents/<int:pk>/", consent.consent_detail, name="consent-detail"),
    path("consents/<int:pk>/receipt/", consent.consent_receipt, name="consent-receipt"),
    path("consents/<int:pk>/renew/", consent.consent_renew, name="consent-renew"),
    path("consents/<int:pk>/withdraw/", consent.consent_withdraw, name="consent-withdraw"),
    path("consents/expiring/", consent.consents_expiring, name="consents-expiring"),
    path("disclosures/<int:pk>/", sharing.disclosure_pack, name="disclosure-pack"),
    path("people-directory/", consent.people_directory, name="people-directory"),
]
