from __future__ import annotations

import pytest

from tests.ethics.safeguarding import make_lead


@pytest.fixture
def lead(db):
    return make_lead(username="lead", first_name="Kim", last_name="Adeyemi")
