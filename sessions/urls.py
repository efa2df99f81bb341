from __future__ import annotations

from django.urls import path

from sessions import (
    group_views,
    import_views,
    insight_views,
    measure_views,
    plan_views,
    supervision_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("team/", supervision_views.dashboard, name="team-dashboard"),
    path("team/<int:user_id>/", views.supervisee_caseload, name="supervisee-caseload"),
    path("team/<int:user_id>/sessions/", supervision_views.supervisee_sessions, name="supervisee-sessions"),
    path(
        "team/<int:user_id>/supervision/new/",
        supervision_views.supervision_record_create,
        name="supervision-record-create",
    ),
    path("supervision/", supervision_views.supervision_records, name="supervision-records"),
    path("supervision/<int:pk>/", supervision_views.supervision_record, name="supervision-record"),
    path("feedback/", supervision_views.feedback, name="feedback"),
    path("insights/", insight_views.organisation_insights, name="organisation-insights"),
    path(
        "insights/practitioners/<int:user_id>/",
        insight_views.practitioner_insights,
        name="practitioner-insights",
    ),
    path("reports/", insight_views.report, name="commissioners-report"),
    path("reports/csv/", insight_views.report_csv, name="commissioners-report-csv"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/import/", import_views.people_import, name="people-import"),
    path("people/import/template.csv", import_views.people_import_template, name="people-import-template"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/group-meetings/", views.person_group_meetings, name="person-group-meetings"),
    path("people/<int:pk>/move/", views.person_move, name="person-move"),
    path("people/<int:pk>/plan/", plan_views.plan_detail, name="plan-detail"),
    path("people/<int:pk>/plan/goals/new/", plan_views.goal_create, name="goal-create"),
    path("people/<int:pk>/plan/review/", plan_views.plan_review, name="plan-review"),
    path("people/<int:pk>/plan/review-date/", plan_views.review_date, name="plan-review-date"),
    path(
        "people/<int:pk>/measures/<int:measure_pk>/new/", measure_views.measure_create, name="measure-create"
    ),
    path("goals/<int:pk>/edit/", plan_views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/steps/new/", plan_views.step_create, name="step-create"),
    path("steps/<int:pk>/edit/", plan_views.step_edit, name="step-edit"),
    path("people/<int:person_pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/review/", supervision_views.session_review, name="session-review"),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_create, name="group-create"),
    path("groups/<int:pk>/", group_views.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", group_views.group_edit, name="group-edit"),
    path("groups/<int:pk>/meetings/new/", group_views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", group_views.meeting_detail, name="meeting-detail"),
    path("brief-contacts/", group_views.brief_contact_list, name="brief-contacts"),
    path("brief-contacts/new/", group_views.brief_contact_create, name="brief-contact-create"),
    path("brief-contacts/<int:pk>/link/", group_views.brief_contact_link, name="brief-contact-link"),
    path("sessions/<int:pk>/history/", views.session_history_page, name="session-history"),
]
