"""Forms of the person's own view for checking in on the CHIME areas and filling in a questionnaire alone."""

from __future__ import annotations

from django import forms

from chime.framework import AREAS, RATING_CHOICES
from sessions.forms import NOTE_MAX_LENGTH, MeasureForm
from sessions.models import SupportSession
from sessions.services import AreaRating


class CheckInForm(forms.Form):
    """For each of the five areas, a number from 1 to 5 and words, each optional; at least one number."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for area in AREAS:
            self.fields[f"{area.code}_rating"] = forms.TypedChoiceField(
                label=f"{area.name}: how is it today?",
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"{area.code}_words"] = forms.CharField(
                label=f"{area.name}: your words (if you want)",
                max_length=NOTE_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def areas(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        """(area, its number, its words), in the framework's order, for the page."""
        return [(area, self[f"{area.code}_rating"], self[f"{area.code}_words"]) for area in AREAS]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for area in AREAS:
            words = (data.get(f"{area.code}_words") or "").strip()
            if words and data.get(f"{area.code}_rating") is None and f"{area.code}_rating" not in self.errors:
                self.add_error(f"{area.code}_rating", "Choose a number for this too, or take the words out.")
        if not self.errors and not self.ratings():
            raise forms.ValidationError("Choose a number for at least one area.")
        return data

    def ratings(self) -> list[AreaRating]:
        d = self.cleaned_data
        return [
            AreaRating(
                area=area.code, rating=d[f"{area.code}_rating"], words=d.get(f"{area.code}_words") or ""
            )
            for area in AREAS
            if d.get(f"{area.code}_rating") is not None
        ]


class OwnMeasureForm(MeasureForm):
    """A measure's items for the person to answer alone: always their own view, dated today, for the occasion it
    is due. Scored by the measure's definition, as on the staff side."""

    def __init__(self, *args: object, measure, **kwargs: object) -> None:
        super().__init__(*args, measure=measure, sessions=SupportSession.objects.none(), **kwargs)
        for name in ("declined", "view", "occasion", "taken_on", "session"):
            del self.fields[name]

    def clean(self) -> dict[str, object]:
        data = forms.Form.clean(self)
        answers = self.answers()
        if all(answer is None for answer in answers):
            self.add_error(
                None, "Choose an answer for each line. Or press “Not now” if you would rather not."
            )
        elif self.measure.score(answers) is None:
            missing = sum(answer is None for answer in answers)
            self.add_error(
                None,
                f"{missing} line{'s have' if missing > 1 else ' has'} no answer yet. Please answer "
                f"{'them' if missing > 1 else 'it'}, or press “Not now”.",
            )
        return data
