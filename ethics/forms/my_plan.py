"""Forms of the person's own view for their recovery plan: their goals, in their words, and steps towards them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from chime.framework import AREAS
from sessions.forms import NOTE_MAX_LENGTH
from sessions.models import RecoveryGoal

AREA_CHOICES = [(area.code, area.name) for area in AREAS]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MyGoalForm(forms.Form):
    in_their_words = forms.CharField(
        label="My goal, in my words",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your goal."},
    )
    areas = forms.MultipleChoiceField(
        label="What is it about?",
        help_text="Choose one or more.",
        choices=AREA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one."},
    )
    done = forms.BooleanField(label="I have done this", required=False)

    @classmethod
    def for_goal(cls, goal: RecoveryGoal, data: object = None) -> MyGoalForm:
        initial = {"in_their_words": goal.in_their_words, "areas": goal.areas, "done": bool(goal.achieved_on)}
        return cls(data, initial=initial)

    def clean_in_their_words(self) -> str:
        words = self.cleaned_data["in_their_words"].strip()
        if not words:
            raise forms.ValidationError("Write your goal.")
        return words

    def achieved_on(self, goal: RecoveryGoal | None) -> dt.date | None:
        """Done: the day it was first marked done (today if it is new); not done: none."""
        if not self.cleaned_data["done"]:
            return None
        return goal.achieved_on if goal is not None and goal.achieved_on else timezone.localdate()


class MyStepForm(forms.Form):
    what = forms.CharField(
        label="A step towards it",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the step."},
    )
    by_when = forms.DateField(label="By when (if you want)", required=False, widget=_DATE)

    def clean_what(self) -> str:
        what = self.cleaned_data["what"].strip()
        if not what:
            raise forms.ValidationError("Write the step.")
        return what

    def clean_by_when(self) -> dt.date | None:
        day = self.cleaned_data.get("by_when")
        if day is not None and not timezone.localdate() - dt.timedelta(days=366) <= day:
            raise forms.ValidationError("Choose a date from the last year or later.")
        if day is not None and day > timezone.localdate() + dt.timedelta(days=366 * 2):
            raise forms.ValidationError("Choose a date in the next two years.")
        return day
