"""The signposting directory: admins list, add, change, retire and re-offer the services people are pointed to.

Organisation data, nothing about a person: every write goes through ethics.services.organisation, which audits
what changed from what to what."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime import access
from ethics.forms.directory import DirectoryServiceForm
from ethics.services import organisation
from sessions.models import DirectoryService


def _admins_only(request: HttpRequest) -> None:
    access.require(request.user, access.is_admin(request.user), page="signposting directory")


@require_http_methods(["GET"])
def directory(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    services = list(DirectoryService.objects.order_by("-is_active", "kind", "name", "pk"))
    kinds = dict(DirectoryService.Kind.choices)
    offered: dict[str, list[DirectoryService]] = {label: [] for label in kinds.values()}
    for service in services:
        if service.is_active:
            offered[kinds[service.kind]].append(service)
    context = {
        "offered": [(kind, found) for kind, found in offered.items() if found],
        "retired": [s for s in services if not s.is_active],
    }
    return render(request, "directory/list.html", context)


@require_http_methods(["GET", "POST"])
def directory_service_create(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    form = DirectoryServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = organisation.save_setting(setting=form.save(commit=False), saved_by=request.user)
        messages.success(request, f"“{service.name}” is in the directory and offered from now on.")
        return redirect("directory")
    return render(request, "directory/form.html", {"form": form, "service": None})


@require_http_methods(["GET", "POST"])
def directory_service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admins_only(request)
    service = get_object_or_404(DirectoryService, pk=pk)
    form = DirectoryServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        organisation.save_setting(setting=form.save(commit=False), saved_by=request.user)
        messages.success(request, f"“{service.name}” is changed. Records that name it show the new details.")
        return redirect("directory")
    return render(request, "directory/form.html", {"form": form, "service": service})


@require_POST
def directory_service_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer(
        request, pk, offered=False, said="is retired: old records keep it, and it is no longer offered"
    )


@require_POST
def directory_service_offer(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer(request, pk, offered=True, said="is offered again")


def _offer(request: HttpRequest, pk: int, *, offered: bool, said: str) -> HttpResponse:
    _admins_only(request)
    service = get_object_or_404(DirectoryService, pk=pk)
    organisation.offer_directory_service(service=service, offered=offered, changed_by=request.user)
    messages.success(request, f"“{service.name}” {said}.")
    return redirect("directory")
