"""Pages for groups, their meetings and registers, and brief contacts. Every lookup goes through sessions.access."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chime import access as core
from chime.errors import RuleBroken
from sessions import access, groups
from sessions.group_forms import BriefContactForm, GroupForm, LinkContactForm, MeetingForm
from sessions.models import GroupMeeting


@require_http_methods(["GET", "POST"])
def group_list(request: HttpRequest) -> HttpResponse:
    context = {"groups": access.groups_page(request), "can_start": core.may_start_group(request.user)}
    return render(request, "groups/list.html", context)


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    core.require(request.user, core.may_start_group(request.user), page="new group", forbidden=True)
    initial = {"facilitators": [request.user.pk]} if core.is_practitioner(request.user) else {}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = groups.start_group(created_by=request.user, **form.cleaned_data)
        except groups.GroupError as error:
            form.add_error("facilitators", str(error))
        else:
            messages.success(request, f"{group} is set up.")
            return redirect("group-detail", pk=group.pk)
    return render(request, "groups/group_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.get_group_to_change(request.user, pk)
    form = GroupForm.for_group(group, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            changed = groups.change_group(
                group=group, changed_by=request.user, facilitators=list(data.pop("facilitators")), **data
            )
        except groups.GroupError as error:
            form.add_error("facilitators", str(error))
        else:
            messages.success(request, "Changes saved." if changed else "Nothing changed.")
            return redirect("group-detail", pk=group.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.get_group_for(request.user, pk)
    meetings = GroupMeeting.objects.filter(group=group).for_group_page()[:52]
    context = {
        "group": group,
        "meetings": meetings,
        "facilitators": group.facilitators.order_by("first_name", "last_name"),
        "can_record": (facilitating := access.facilitates(request.user, group)),
        "can_change": facilitating or core.is_admin(request.user),
    }
    return render(request, "groups/group_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.get_group_to_record(request.user, pk)
    data = request.POST if request.method == "POST" else None
    finding = data is not None and "find" in data
    ticked = _ints(data.getlist("attendees")) if data is not None else []
    # The search words are typed about a person: posted, never in a URL, and cleaned like any field.
    name = data.get("find_name", "").replace("\x00", "").strip()[:120] if finding else ""
    nameable = access.nameable_people(request.user, group)

    def listing_everyone() -> dict[str, object]:
        candidates = access.register_candidates(request.user, group, ticked=ticked, name=name)
        return {"group": group, "candidates": candidates, "nameable": nameable}

    if data is None or finding:
        # A search re-lists the form as typed, with the people found added, and saves nothing.
        form = MeetingForm(initial=_as_initial(data, group), **listing_everyone())
        return _meeting_form(request, form, group, searched=name if finding else None)
    # Checked first against only the people it ticks or gives an addendum: the form's other rows are empty, so the
    # answer is the same, and a register saved at once needs no one else listed.
    posted = access.register_posted(request.user, group, ticked=ticked, addenda=_addenda(data))
    form = MeetingForm(data, group=group, candidates=posted, nameable=nameable)
    problem = None
    if form.is_valid():
        try:
            meeting, created = groups.record_group_meeting(
                group=group,
                recorded_by=request.user,
                details=form.details(),
                facilitators=list(form.cleaned_data["facilitators"]),
                register=form.register(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except groups.GroupError as error:
            problem = str(error)
        else:
            if created:
                messages.success(request, f"Meeting of {group} saved.")
            else:
                messages.info(request, "This meeting was already saved, so nothing was added twice.")
            return redirect("meeting-detail", pk=meeting.pk)
    form = MeetingForm(data, **listing_everyone())  # sent back: everyone listed again, with the same errors
    form.is_valid()
    if problem:
        form.add_error(None, problem)
    return _meeting_form(request, form, group)


def _meeting_form(
    request: HttpRequest, form: MeetingForm, group: object, searched: str | None = None
) -> HttpResponse:
    return render(request, "groups/meeting_form.html", {"form": form, "group": group, "searched": searched})


def _addenda(data: object) -> list[int]:
    """Whose personal addendum fields a posted meeting form filled in (every one: an addendum for someone not ticked
    must still be refused). Django caps a form at 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    keys = (key.removeprefix("addendum_") for key in data if key.startswith("addendum_"))
    return sorted(
        {int(key) for key in keys if key.isdigit() and len(key) < 18 and data[f"addendum_{key}"].strip()}
    )


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values[: groups.MAX_NAMED_ATTENDEES + 1] if v.isdigit() and len(v) < 18]


def _as_initial(data: object, group: object) -> dict[str, object]:
    if data is None:
        return {
            "facilitators": list(group.facilitators.values_list("pk", flat=True)),
            "volunteer_facilitators": group.volunteer_facilitators,
            "location": group.usual_place,
        }
    initial: dict[str, object] = {
        key: data.get(key) for key in data if key not in ("csrfmiddlewaretoken", "find")
    }
    for key in ("attendees", "facilitators", "areas"):
        initial[key] = data.getlist(key)
    return initial


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for(request.user, pk)
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "register": access.register_for(meeting),
        "facilitators": meeting.facilitators.order_by("first_name", "last_name"),
    }
    return render(request, "groups/meeting_detail.html", context)


# ---- Brief contacts --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def brief_contact_list(request: HttpRequest) -> HttpResponse:
    page = access.brief_contacts_page(request)
    return render(
        request,
        "groups/brief_contacts.html",
        {"contacts": page, "can_record": core.may_record_brief_contacts(request.user)},
    )


@require_http_methods(["GET", "POST"])
def brief_contact_create(request: HttpRequest) -> HttpResponse:
    core.require(
        request.user, core.may_record_brief_contacts(request.user), page="new brief contact", forbidden=True
    )
    form = BriefContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = groups.record_brief_contact(
                recorded_by=request.user,
                details=form.details(),
                submission_key=form.cleaned_data["submission_key"],
                signposted_services=form.signposted_services(),
            )
        except RuleBroken as refusal:  # a service retired while the form was open
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, "Brief contact saved." if created else "This brief contact was already saved."
            )
            return redirect("brief-contacts")
    return render(request, "groups/brief_contact_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def brief_contact_link(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_brief_contact_for(request.user, pk, write=True)
    people = access.link_choices_for(request.user)
    form = LinkContactForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = access.get_person_for(request.user, form.cleaned_data["person"].pk, write=True)
        try:
            groups.link_brief_contact(contact=contact, person=person, linked_by=request.user)
        except groups.GroupError as error:
            form.add_error("person", str(error))
        else:
            messages.success(request, f"The brief contact is now on {person}'s record.")
            return redirect("brief-contacts")
    return render(request, "groups/brief_contact_link.html", {"form": form, "contact": contact})
