"""What each figure in the commissioners' report means: the one place its definition is written.

Every `ReportRow` names one of these codes; the page shows the definitions under each section and the CSV carries
them in its own column, so a figure never travels without its meaning. Codes are stable (the CSV's readers may key
on the words, but the code is what the report's own code keys on); the words may be improved freely.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str
    charted: bool = True  # counts are drawn; hours, shares and averages are in the table only (other units)


_SESSIONS = "one-to-one sessions recorded in the period, with people the report may count"
_OF_THOSE = "Of the people with two or more ratings of this area in the period, in this view: "

DEFINITIONS: dict[str, Definition] = {
    "people": Definition("People supported", f"Different people with at least one of the {_SESSIONS}."),
    "sessions": Definition("Sessions", f"The number of {_SESSIONS}."),
    "hours": Definition(
        "Hours of support", "The recorded length of those sessions, added up, in hours.", False
    ),
    "area_sessions": Definition(
        "Area: sessions",
        "Sessions in the period whose notes touched this CHIME area (a session can touch several).",
    ),
    "area_share": Definition(
        "Area: share of sessions", "Those sessions as a percentage of all sessions in the period.", False
    ),
    "area_people": Definition(
        "Area: people", "Different people with at least one session touching this area."
    ),
    "signposted_sessions": Definition(
        "Sessions with signposting", "Sessions in which the person was pointed to another service."
    ),
    "people_signposted": Definition(
        "People signposted", "Different people pointed to another service in at least one session."
    ),
    "measure_people": Definition(
        "People with at least two in the period",
        "Different people who completed this measure at least twice in the period (declined or incomplete ones "
        "are left out).",
    ),
    "measure_average": Definition(
        "Average change, first to last",
        "For those people, the total of their last completed measure in the period minus their first, averaged. "
        "Shown only when at least 5 people are counted.",
        False,
    ),
    "measure_improved": Definition(
        "Better by the threshold",
        "People whose last total was better than their first by at least the measure's "
        "published threshold for a change that matters.",
    ),
    "measure_same": Definition(
        "Within the threshold", "People whose total changed by less than that threshold."
    ),
    "measure_worse": Definition(
        "Harder by the threshold",
        "People whose last total was harder than their first by at least that threshold.",
    ),
    "measure_no_threshold": Definition(
        "Change by a published threshold",
        "This measure has no published threshold, so change is not sorted.",
        False,
    ),
    "goals": Definition("Goals set", "Goals added to recovery plans in the period."),
    "steps": Definition(
        "Steps completed", "Steps of recovery-plan goals marked done with a date in the period."
    ),
    "rating_people": Definition(
        "Area: people with two or more ratings",
        "People who rated this area at least twice in the period, all in this section's view (a rating runs from "
        "1, really hard, to 5, really good). The other figures are about these people; the chart draws how many "
        "went up, stayed the same and went down.",
        False,
    ),
    "rating_average": Definition(
        "Area: average change, first to last",
        f"{_OF_THOSE}their last rating minus their first, averaged (from -4 to +4; above 0 means better). Shown only when at "
        "least 5 people are counted.",
        False,
    ),
    "rating_up": Definition(
        "Area: went up", f"{_OF_THOSE}how many rated it higher last time than first time."
    ),
    "rating_same": Definition(
        "Area: stayed the same", f"{_OF_THOSE}how many gave the same first and last rating."
    ),
    "rating_down": Definition(
        "Area: went down", f"{_OF_THOSE}how many rated it lower last time than first time."
    ),
    "groups": Definition("Groups run", "Different groups that met at least once in the period."),
    "meetings": Definition("Group meetings", "Group meetings held in the period."),
    "attendances": Definition(
        "Attendances (named and unnamed)",
        "Everyone at those meetings, counted once per meeting: people named on the register and people counted "
        "without a name.",
    ),
    "group_people": Definition(
        "Different people named on registers",
        "Different named people, that the report may count, at any meeting.",
    ),
    "group_hours": Definition(
        "Hours of group support", "The length of those meetings, added up, in hours.", False
    ),
    "group_area_meetings": Definition(
        "Area: meetings", "Group meetings in the period that touched this CHIME area."
    ),
    "group_area_share": Definition(
        "Area: share of meetings",
        "Those meetings as a percentage of all group meetings in the period.",
        False,
    ),
    "brief_contacts": Definition("Brief contacts", "Short contacts recorded without a full session."),
    "kind_sessions": Definition(
        "Kind of service: sessions",
        "Sessions in the period that pointed the person to a service of this kind from the organisation's "
        "directory (or, for 'somewhere else', to a place typed in). A session can point to several kinds.",
    ),
    "kind_people": Definition(
        "Kind of service: people",
        "Different people pointed to a service of this kind in at least one session in the period.",
    ),
    "kind_contacts": Definition(
        "Kind of service: brief contacts",
        "Brief contacts in the period that pointed someone to a service of this kind.",
    ),
    "brief_signposted": Definition(
        "Brief contacts with signposting",
        "Brief contacts in which the person was pointed to another service.",
    ),
    "concerns_all": Definition("All concerns", "Safeguarding concerns raised in the period, of every type."),
    "concerns": Definition(
        "Type: outcome",
        "Safeguarding concerns raised in the period, by type and where each has got to: still open, referred to "
        "an agency, or closed with no further action.",
    ),
    "concerns_not_recorded": Definition(
        "By type and outcome", "Safeguarding concerns are not recorded in Chime yet.", False
    ),
}
