"""Moving in: an admin imports people and caseloads from a file, checking it first (sessions/importing.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from chime import access as core
from sessions import importing
from sessions.forms import PeopleImportForm

CHECKED = "people_import_checked"  # the fingerprint of the file this admin's last dry run passed


def _require_admin(request: HttpRequest) -> None:
    core.require(request.user, core.is_admin(request.user), page="people import")


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if "import" in request.POST and importing.fingerprint(upload) == request.session.get(CHECKED):
                done = importing.import_file(upload=upload, imported_by=request.user)
                request.session.pop(CHECKED, None)
                messages.success(request, _added_message(done))
                return redirect("people-import")
            check = importing.dry_run(upload=upload, checked_by=request.user)
            request.session[CHECKED] = check.fingerprint if check.ok and check.to_add else None
            if "import" in request.POST:
                form.add_error("file", "This is not the file you checked, so here is its check first.")
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        except importing.ImportProblems as problems:
            check = problems.check
    return render(request, "sessions/people_import.html", {"form": form, "check": check})


@require_GET
def people_import_template(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chime-people-template.csv"'
    return response


def _added_message(done: importing.Imported) -> str:
    skipped = f" {done.skipped} already on Chime were not added again." if done.skipped else ""
    return f"Added {done.added} people to their practitioners’ caseloads.{skipped}"
