"""The one kind of error a service raises when one of Chime's rules is broken."""

from __future__ import annotations


class RuleBroken(Exception):
    """A rule was broken: `code` says which (for code and tests to tell apart); the message is for people, shown
    beside the field or at the top of the form. Each service names its own kind (ConsentError, PlanError, …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
