from __future__ import annotations

import json

from chime.wording import find_unhelpful_words


def test_spots_clinical_and_stigmatising_words_with_a_suggestion():
    hints = find_unhelpful_words("He is non-compliant and suffers from anxiety. A manipulative patient.")
    assert [h.found for h in hints] == ["non-compliant", "suffers from", "manipulative", "patient"]
    assert hints[1].suggest.startswith("lives with")


def test_matches_whole_words_in_any_case_only():
    assert [h.found for h in find_unhelpful_words("SCHIZOPHRENIC")] == ["SCHIZOPHRENIC"]
    assert find_unhelpful_words("She waited patiently for the bus.") == []


def test_reports_each_word_once():
    assert len(find_unhelpful_words("patient, patient, patient")) == 1


def test_an_organisation_can_extend_the_word_list(settings, tmp_path):
    extra = tmp_path / "words.json"
    extra.write_text(
        json.dumps({"words": [{"term": "frequent flyer", "suggest": "someone we see often", "why": "x"}]})
    )
    settings.CHIME_WORDING_FILE = extra
    assert [h.suggest for h in find_unhelpful_words("a frequent flyer")] == ["someone we see often"]


def test_live_hint_endpoint_uses_the_same_check(client, practitioner):
    client.force_login(practitioner)
    response = client.post("/wording/check/", {"hope_note": "She was attention-seeking today."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "attention-seeking" in body and "reaching out for connection" in body


def test_live_hint_is_empty_for_kind_words(client, practitioner):
    client.force_login(practitioner)
    response = client.post("/wording/check/", {"hope_note": "She reached out to her sister."})
    assert response.content.decode().strip() == ""


def test_live_hint_needs_a_login(client):
    response = client.post("/wording/check/", {"hope_note": "patient"})
    assert response.status_code == 302
