"""Finding safeguarding concerns, for the leads: by state, person, type and the date raised.

The form is posted, never put in the URL: a person's name must not land in server logs or browser history.
"""

from __future__ import annotations

import django_filters
from django import forms

from ethics.models import Concern
from sessions.filters import StyledFilterSet

DATE = forms.DateInput(attrs={"type": "date"})


class ConcernFilter(StyledFilterSet):
    state = django_filters.ChoiceFilter(label="State", choices=Concern.State.choices, empty_label="Any state")
    person = django_filters.CharFilter(
        field_name="person__preferred_name", lookup_expr="icontains", label="Person’s name"
    )
    type = django_filters.ChoiceFilter(label="Type", choices=Concern.Type.choices, empty_label="Any type")
    raised_from = django_filters.DateFilter(
        field_name="raised_at", lookup_expr="date__gte", label="Raised on or after", widget=DATE
    )
    raised_to = django_filters.DateFilter(
        field_name="raised_at", lookup_expr="date__lte", label="Raised on or before", widget=DATE
    )

    class Meta:
        model = Concern
        fields: list[str] = []
