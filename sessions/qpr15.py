"""The QPR-15 as Chime ships it: the definition that migration 0007 loads into the Measure table.

What the stored references confirm (see README, "Recovery measures"):
- The answers and their values: 0 disagree strongly, 1 disagree, 2 neither agree nor disagree, 3 agree, 4 agree
  strongly; the items are added up, higher meaning more recovery (PhenX Toolkit protocol 661101, "Psychosis
  Recovery Assessment", which also says: freely available, permission not required).
- It asks about the last 7 days; 15 items, total 0 to 60 (Williams et al. 2015; NHS England's assessment tool
  list gives the QPR total score a range of 0 to 60).
- The wording of every item below, word for word, as one of the 22 items of the QPR (Neil et al. 2009), listed in
  English in Table 3 (item-level ratings) of the Japanese validation, BMC Psychiatry 2017,
  doi:10.1186/s12888-017-1520-y.
- Items 1 and 2 in this order as the first two of the 15-item form (PhenX).
- Items 1 to 8, word for word and in this order, in an independent deployment of the questionnaire: the LAMP
  Platform's Cortex documentation ("Using Cortex", BIDMC Digital Psychiatry), whose sample survey export lists the
  first eight statements of its "Process of Recovery Questionnaire".

What they do NOT confirm: which of the remaining QPR items make up items 9 to 15 of the 15-item form, and their
order (Law, Neil, Dunn and Morrison 2014 chose them). The list below is our reading of that paper and must be
checked against the published 15-item form before live use: so `wording_checked` is False, and the form says so
until an admin ticks it.

No reliable change index for the QPR-15 was found. A within-person minimum important difference of 5 points is
published (Psychosis 2021; 13(3): 220-230, "Estimating the minimum important difference for the Questionnaire
about the Process of Recovery (QPR): an anchor-based approach"); Chime uses it as the change threshold and names it
as what it is. No published rule for missing answers was found, so no total is given when any item is missing.
"""

from __future__ import annotations

QPR15 = {
    "code": "qpr-15",
    "name": "Questionnaire about the Process of Recovery (15 items)",
    "short_name": "QPR-15",
    "asks_about": "the last 7 days",
    "instructions": (
        "Think about how things have been for you over the last 7 days, with your mental health and your "
        "recovery. For each statement, choose the answer that best describes your experience. Not every statement "
        "will matter to you: everyone is different. You can stop at any time."
    ),
    "items": [
        "I feel better about myself",
        "I feel able to take chances in life",
        "I am able to develop positive relationships with other people",
        "I feel part of society rather than isolated",
        "I am able to assert myself",
        "I feel that my life has a purpose",
        "My experiences have changed me for the better",
        "I have been able to come to terms with things that have happened to me in the past and move on with my "
        "life",
        "I can recognise the positive things I have done",
        "I am able to understand myself better",
        "I can take charge of my life",
        "I am able to make sense of my distressing experiences",
        "I can actively engage with life",
        "I can take control of aspects of my life",
        "I can find the time to do the things I enjoy",
    ],
    "options": [
        {"value": 0, "label": "Disagree strongly"},
        {"value": 1, "label": "Disagree"},
        {"value": 2, "label": "Neither agree nor disagree"},
        {"value": 3, "label": "Agree"},
        {"value": 4, "label": "Agree strongly"},
    ],
    "scoring": "sum",
    "max_missing": 0,
    "higher_is_better": True,
    "change_threshold": 5,
    "change_threshold_kind": "minimum_important",
    "change_threshold_reference": (
        "Within-person minimum important difference of 5 points: 'Estimating the minimum important difference for "
        "the Questionnaire about the Process of Recovery (QPR): an anchor-based approach', Psychosis 2021; "
        "13(3): 220-230, doi:10.1080/17522439.2021.1883726. No reliable change index is published that we found."
    ),
    "source": (
        "Neil ST, Kilbride M, Pitt L, Nothard S, Welford M, Sellwood W, Morrison AP. The questionnaire about the "
        "process of recovery (QPR): a measurement tool developed in collaboration with service users. Psychosis "
        "2009; 1(2): 145-155. The 15-item version: Law H, Neil ST, Dunn G, Morrison AP. Psychometric properties of "
        "the Questionnaire about the Process of Recovery (QPR). Schizophrenia Research 2014; 156(2-3): 184-189. "
        "Independent evaluation: Williams J et al. British Journal of Psychiatry 2015; 207: 551-555."
    ),
    "licence": "Free to use; no permission needed (PhenX Toolkit, protocol 661101).",
    "free_to_use": True,
    "wording_checked": False,
    "repeat_every_weeks": 12,
    "is_active": True,
    "order": 10,
}
