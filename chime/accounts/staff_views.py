"""Chime's staff pages for admins: the list, one page per account, and the queue of changes awaiting a second admin.

Every change goes through `chime.accounts.staff`; these views only show forms and say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime.accounts import staff
from chime.accounts.forms import DecisionForm, NewStaffAccountForm, StaffAccountForm
from chime.models import ROLE_FIELDS, StaffChange, User


def _require_admin(user: User) -> None:
    # Staff administration is admins' work. Everyone else is answered as if the page did not exist.
    if not (user.is_active and user.is_org_admin):
        raise Http404("Not found.")


def _account(request: HttpRequest, pk: int) -> User:
    _require_admin(request.user)
    return get_object_or_404(User.objects.staff(), pk=pk)


def staff_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    context = {
        "accounts": User.objects.staff().select_related("supervisor").order_by("-is_active", "username"),
        "awaiting": StaffChange.objects.awaiting().count(),
    }
    return render(request, "staff/list.html", context)


@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    form = NewStaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = staff.create_staff_account(
                by=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                display_name=data["display_name"],
                roles=[role for role in ROLE_FIELDS if data[role]],
                supervisor=data["supervisor"],
            )
        except staff.StaffError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Account {account.username} made. A one-time set-up link was emailed to them."
            )
            _say_waiting(request, account)
            return redirect("staff-account", pk=account.pk)
    return render(request, "staff/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
def staff_account(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    form = StaffAccountForm(request.POST or None, account=account, initial=_current(account))
    if request.method == "POST" and form.is_valid():
        try:
            made = staff.change_staff_account(by=request.user, account=account, **form.changes())
        except staff.StaffError as error:
            form.add_error(None, str(error))
        else:
            usernames = staff.usernames_for(made)  # one query for every supervisor named
            for change in made:
                words = "; ".join(staff.describe_changes(change.changes, usernames))
                if change.status == StaffChange.Status.APPLIED:
                    messages.success(request, f"Changed now: {words}.")
                else:
                    messages.info(request, f"Waiting for a second admin to approve: {words}.")
            return redirect("staff-account", pk=account.pk)
    history = list(account.staff_changes.select_related("requested_by", "decided_by")[:50])
    names = staff.usernames_for(history)
    context = {
        "account": account,
        "form": form,
        "is_self": account.pk == request.user.pk,
        "history": [(change, staff.describe_changes(change.changes, names)) for change in history],
    }
    return render(request, "staff/account.html", context)


def _current(account: User) -> dict[str, object]:
    fields = ["first_name", "last_name", "display_name", "email", *ROLE_FIELDS, "is_active"]
    return {field: getattr(account, field) for field in fields} | {"supervisor": account.supervisor_id}


def _say_waiting(request: HttpRequest, account: User) -> None:
    if StaffChange.objects.awaiting().filter(account=account).exists():
        messages.info(request, "The roles and supervisor you chose wait for a second admin to approve them.")


@require_POST
def staff_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, staff.start_password_reset, "Password reset: a one-time link was emailed to them."
    )


@require_POST
def staff_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, staff.reset_two_factor, "Two-factor sign-in reset: a one-time link was emailed to them."
    )


@require_POST
def staff_lift_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, staff.lift_sign_in_pause, "Logging in is open again for this account.")


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    account = _account(request, pk)
    try:
        action(by=request.user, account=account)
    except staff.StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("staff-account", pk=account.pk)


def staff_requests(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    waiting = list(StaffChange.objects.for_queue())
    names = staff.usernames_for(waiting)
    rows = [(change, staff.describe_changes(change.changes, names)) for change in waiting]
    return render(request, "staff/requests.html", {"rows": rows})


@require_POST
def staff_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    change = get_object_or_404(StaffChange, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to approve or refuse.")
        return redirect("staff-requests")
    decide = (
        staff.approve_staff_change
        if form.cleaned_data["decision"] == "approve"
        else staff.refuse_staff_change
    )
    try:
        decided = decide(change=change, by=request.user)
    except staff.StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Request #{decided.pk}: {decided.get_status_display().lower()}.")
    return redirect("staff-requests")
