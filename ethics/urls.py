"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

urlpatterns: list = []
