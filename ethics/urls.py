"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

from django.urls import path

from ethics.views import (
    consent,
    emergency,
    my_record,
    online_access,
    record_requests,
    rights,
    safeguarding,
    sharing,
    subject_access,
)

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
    path("emergency/", emergency.emergency_search, name="emergency-search"),
    path("emergency/<int:pk>/", emergency.emergency_matches, name="emergency-matches"),
    path("emergency/<int:pk>/people/<int:person_pk>/", emergency.emergency_open, name="emergency-open"),
    path("emergency/reviews/", emergency.emergency_reviews, name="emergency-reviews"),
    path("emergency/reviews/<int:pk>/", emergency.emergency_review, name="emergency-review"),
    path("rights/", rights.rights_home, name="rights"),
    path("rights/people/<int:person_pk>/", rights.rights_person, name="rights-person"),
    path("rights/people/<int:person_pk>/audit/", rights.person_audit, name="person-audit"),
    path(
        "rights/people/<int:person_pk>/access/",
        subject_access.access_request_create,
        name="access-request-create",
    ),
    path(
        "rights/people/<int:person_pk>/erasure/", rights.erasure_request_create, name="erasure-request-create"
    ),
    path("rights/access/", subject_access.access_requests, name="access-requests"),
    path("rights/access/<int:pk>/", subject_access.access_request, name="access-request"),
    path(
        "rights/access/<int:pk>/<slug:step>/", subject_access.access_request_step, name="access-request-step"
    ),
    path("rights/access/packs/<int:pk>/", subject_access.access_pack, name="access-pack"),
    path(
        "rights/access/packs/<int:pk>/download/",
        subject_access.access_pack_download,
        name="access-pack-download",
    ),
    path("rights/changes/", record_requests.change_requests, name="change-requests"),
    path("rights/changes/<int:pk>/", record_requests.change_request, name="change-request"),
    path(
        "rights/changes/<int:pk>/erasure/",
        record_requests.change_request_erasure,
        name="change-request-erasure",
    ),
    path("rights/erasure/<int:pk>/", rights.erasure_request, name="erasure-request"),
    path("rights/erasure/<int:pk>/approve/", rights.erasure_approve, name="erasure-approve"),
    path("people/<int:person_pk>/concerns/new/", safeguarding.concern_raise, name="concern-raise"),
    path("safeguarding/", safeguarding.queue, name="safeguarding-queue"),
    path("safeguarding/find/", safeguarding.find_concerns, name="find-concerns"),
    path("safeguarding/raised/", safeguarding.raised, name="concerns-raised"),
    path("safeguarding/crisis/", safeguarding.crisis_routes, name="crisis-routes"),
    path("safeguarding/concerns/<int:pk>/", safeguarding.concern_detail, name="concern-detail"),
    path("safeguarding/concerns/<int:pk>/note/", safeguarding.concern_note, name="concern-note"),
    path("safeguarding/concerns/<int:pk>/<slug:step>/", safeguarding.concern_step, name="concern-step"),
    # online access for the person: the staff side
    path("people/<int:pk>/online-access/", online_access.online_access, name="online-access"),
    path(
        "people/<int:pk>/online-access/invite/",
        online_access.online_access_invite,
        name="online-access-invite",
    ),
    path(
        "people/<int:pk>/online-access/turn-off/",
        online_access.online_access_turn_off,
        name="online-access-turn-off",
    ),
    path("sessions/<int:pk>/hold-back/", online_access.session_withhold, name="session-withhold"),
    path("sessions/<int:pk>/show-again/", online_access.session_release, name="session-release"),
    # the person's own view (only a person's session opens these; see chime.accounts.person_sessions)
    path("me/", my_record.home, name="me-home"),
    path("me/sessions/<int:pk>/", my_record.session, name="me-session"),
    path("me/seen/", my_record.seen, name="me-seen"),
    path("me/consents/", my_record.consents, name="me-consents"),
    path("me/copy/", my_record.copy, name="me-copy"),
    path("me/correct/", record_requests.ask_correction, name="me-correct"),
    path("me/delete/", record_requests.ask_deletion, name="me-delete"),
    path("me/consents/<int:pk>/", my_record.consent, name="me-consent"),
    path("me/turn-off/", my_record.turn_off, name="me-turn-off"),
    path("me/start/", my_record.start, name="me-start"),
    path("me/sign-in/", my_record.sign_in, name="me-sign-in"),
    path("me/link/", my_record.link, name="me-link"),
    path("me/sign-out/", my_record.sign_out, name="me-sign-out"),
    path("me/signed-out/", my_record.signed_out, name="me-signed-out"),
]
