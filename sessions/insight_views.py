"""Pages about CHIME outcomes across sessions, and the anonymised reports for commissioners."""

from __future__ import annotations

import csv

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.views.decorators.csp import csp_override

from chime import access as core
from chime import audit
from chime.models import AuditEvent
from sessions import access, charts
from sessions.forms import ReportForm
from sessions.insights import area_shares
from sessions.report_charts import section_chart, table_rows
from sessions.reports import CSV_HEADER, Report, default_range, report_for, usual_ranges


def organisation_insights(request: HttpRequest) -> HttpResponse:
    core.require(request.user, core.has_a_role(request.user), page="insights")
    audit.record(AuditEvent.Action.VIEW, object_type="insights", object_id="organisation")
    shares = area_shares()
    return render(
        request,
        "insights/shares.html",
        {
            "heading": "CHIME areas across the organisation",
            "shares": shares,
            "chart": charts.shares_chart(shares.months, shares.shares_by_area()),
        },
    )


def practitioner_insights(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.user.pk == user_id and core.is_practitioner(request.user):
        practitioner = request.user
    else:
        practitioner = access.get_supervisee_for(request.user, user_id)
    audit.record(AuditEvent.Action.VIEW, object_type="insights", object_id=practitioner.pk)
    shares = area_shares(practitioner.pk)
    return render(
        request,
        "insights/shares.html",
        {
            "heading": "CHIME areas in your sessions"
            if practitioner == request.user
            else f"CHIME areas in {practitioner.name}’s sessions",
            "practitioner": practitioner,
            "shares": shares,
            "chart": charts.shares_chart(shares.months, shares.shares_by_area()),
        },
    )


def _report_for(request: HttpRequest) -> tuple[ReportForm, Report | None]:
    core.require(request.user, core.is_admin(request.user), page="commissioners report")
    start, end = default_range(timezone.localdate())
    form = ReportForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and not form.is_valid():
        return form, None
    if form.is_bound:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, report_for(start, end)


# The printed report's running head (its period and the date produced, on every sheet) is an @page margin box,
# whose words can only come from CSS: this page alone may carry one <style> block, with the request's nonce.
_PRINT_HEAD_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.NONCE]}


@csp_override(_PRINT_HEAD_CSP)
def report(request: HttpRequest) -> HttpResponse:
    form, found = _report_for(request)
    shown = (found.start, found.end) if found else None
    usual = [
        (name, start, end, (start, end) == shown) for name, (start, end) in usual_ranges(timezone.localdate())
    ]
    context = {"form": form, "report": found, "usual": usual}
    if found is not None:
        audit.record(AuditEvent.Action.VIEW, object_type="commissioners report", object_id=found.period)
        sections = [(s, section_chart(s), table_rows(s)) for s in found.sections()]
        context |= {"sections": sections, **_print_head(found)}
    return render(request, "insights/report.html", context)


def _print_head(found: Report) -> dict[str, str]:
    """The words at the top of every printed sheet: whose report, for which period, and when it was produced."""
    period = f"{date_format(found.start)} to {date_format(found.end)}"
    return {
        "print_head": _css_string(f"{settings.CHIME_ORGANISATION_NAME}: report for {period}"),
        "print_produced": _css_string(f"Produced {date_format(timezone.localtime(found.produced_at))}"),
    }


def _css_string(text: str) -> str:
    """Text for inside a CSS string: everything but letters, digits and spaces as a CSS escape (the space after
    each is part of it), so no quote, backslash or `</style>` can end it."""
    return "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} " for c in text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def report_csv(request: HttpRequest) -> HttpResponse:
    form, found = _report_for(request)
    if found is None:
        return render(request, "insights/report.html", {"form": form, "report": None}, status=400)
    audit.record(AuditEvent.Action.EXPORT, object_type="commissioners report", object_id=found.period)
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in [CSV_HEADER, *found.csv_rows()])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chime-report-{found.start}-to-{found.end}.csv"'
    return response
