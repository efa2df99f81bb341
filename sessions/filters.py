"""Filters, sorting and the page size for the lists that can grow: caseloads, session queues, feedback, records.

Every list is paginated, so no page grows with the size of the organisation.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from chime.framework import AreaChoices
from sessions import supervision
from sessions.models import Person, SupportSession

PAGE_SIZE = 25
NAME_SEARCH_LIMIT = 50  # a search by name is posted, so its results are one page: type more to narrow them


def paginate(request: HttpRequest, rows: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """One page of rows (two queries: the count and the page). Bad page numbers show the nearest page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the filter form's widgets."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            selects = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if selects else "form-control")

    @property
    def is_active(self) -> bool:
        """A filter or a sort order is chosen (the filters then show open, so what narrows the list is in view)."""
        return any(self.data.get(name) for name in self.form.fields)


class CaseloadFilter(StyledFilterSet):
    """For people annotated by PersonQuerySet.for_caseload()."""

    name = django_filters.CharFilter(field_name="preferred_name", lookup_expr="icontains", label="Name")
    follow_up = django_filters.ChoiceFilter(
        label="Follow-up",
        empty_label="Any",
        choices=[("overdue", "Overdue"), ("this_week", "Due in the next 7 days"), ("none", "None set")],
        method="filter_follow_up",
    )
    seen = django_filters.ChoiceFilter(
        label="Last seen",
        empty_label="Any time",
        choices=[("not_recently", "Not seen for 4 weeks or more")],
        method="filter_seen",
    )
    plan = django_filters.ChoiceFilter(
        label="Recovery plan",
        empty_label="Any",
        choices=[("review_due", "Review due")],
        method="filter_plan",
    )
    order = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Follow-up date (soonest first)",
        fields=(("preferred_name", "name"), ("last_session_at", "last_seen")),
        field_labels={"preferred_name": "Name", "last_session_at": "Last session"},
    )

    class Meta:
        model = Person
        fields: list[str] = []

    @classmethod
    def from_request(cls, request: HttpRequest, queryset: QuerySet) -> CaseloadFilter:
        """The filter as the caseload form sent it. A name only ever comes from the posted form: `?name=` in a
        URL is ignored, so names stay out of addresses, browser history and server logs."""
        if request.method == "POST":
            return cls(request.POST, queryset=queryset)
        data: QueryDict = request.GET.copy()
        data.pop("name", None)
        return cls(data, queryset=queryset)

    @property
    def searches_by_name(self) -> bool:
        return self.is_valid() and bool(self.form.cleaned_data.get("name"))

    def address_without_name(self, path: str) -> str:
        """Where a post with no name goes: the same list, its other (content-free) filters in the URL."""
        kept = {key: self.data[key] for key in ("follow_up", "seen", "plan", "order") if self.data.get(key)}
        return f"{path}?{urlencode(kept)}" if kept else path

    def page(self, request: HttpRequest) -> Page:
        if self.searches_by_name:
            return Paginator(self.qs, NAME_SEARCH_LIMIT).get_page(1)
        return paginate(request, self.qs)

    def filter_follow_up(self, people: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "overdue":
            return people.filter(next_follow_up__lt=today)
        if value == "this_week":
            return people.filter(next_follow_up__gte=today, next_follow_up__lte=today + dt.timedelta(days=7))
        return people.filter(next_follow_up__isnull=True)

    def filter_seen(self, people: QuerySet, name: str, value: str) -> QuerySet:
        return people.filter(supervision.not_seen_recently())

    def filter_plan(self, people: QuerySet, name: str, value: str) -> QuerySet:
        return people.filter(plan_review_on__lte=timezone.localdate())

    @property
    def qs(self) -> QuerySet:
        people = super().qs
        # Ties (and the default order) fall back to the name, so pages never shuffle.
        if not self.form.cleaned_data.get("order"):
            return people
        ordering = [*people.query.order_by, "preferred_name", "pk"]
        return people.order_by(*[_nulls_last(o) for o in ordering])


def _nulls_last(term: str) -> object:
    if term.startswith("-"):
        return F(term[1:]).desc(nulls_last=True)
    return F(term).asc(nulls_last=True)


class SessionQueueFilter(StyledFilterSet):
    """A supervisee's sessions: the review queue and the 'last 30 days' list behind the dashboard."""

    review = django_filters.ChoiceFilter(
        label="Review",
        empty_label="All sessions",
        choices=[("awaiting", "Awaiting review"), ("reviewed", "Reviewed")],
        method="filter_review",
    )
    period = django_filters.ChoiceFilter(
        label="When",
        empty_label="Any time",
        choices=[("30", "Last 30 days"), ("90", "Last 90 days")],
        method="filter_period",
    )
    area = django_filters.ChoiceFilter(
        label="CHIME area", empty_label="Any area", choices=AreaChoices.choices, method="filter_area"
    )
    order = django_filters.OrderingFilter(
        label="Sort by",
        empty_label="Newest first",
        fields=(("occurred_at", "when"),),
        field_labels={"occurred_at": "Date"},
    )

    class Meta:
        model = SupportSession
        fields: list[str] = []

    def filter_review(self, sessions: QuerySet, name: str, value: str) -> QuerySet:
        if value == "awaiting":
            return sessions.filter(supervision.awaiting_review())
        return sessions.filter(review__isnull=False)

    def filter_period(self, sessions: QuerySet, name: str, value: str) -> QuerySet:
        return sessions.filter(occurred_at__gte=timezone.now() - dt.timedelta(days=int(value)))

    def filter_area(self, sessions: QuerySet, name: str, value: str) -> QuerySet:
        return sessions.filter(Q(areas__area=value))

    @property
    def qs(self) -> QuerySet:
        sessions = super().qs
        if self.form.cleaned_data.get("order"):
            return sessions.order_by(*sessions.query.order_by, "-pk")
        return sessions
