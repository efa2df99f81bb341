"""axe-core accessibility checks for pages reached in browser journeys (WCAG 2.2 AA)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    # axe files these under "best practice", but they are how we check headings in order and page structure.
    "rules": {
        rule: {"enabled": True}
        for rule in ("heading-order", "page-has-heading-one", "empty-heading", "landmark-one-main")
    },
    "resultTypes": ["violations"],
}
_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Fail with a readable list when axe finds any WCAG 2.2 A/AA violation on the current page."""
    # Check the page once it has loaded: a page still arriving after a click has no heading or main landmark yet.
    page.wait_for_load_state("load")
    page.locator("main h1").first.wait_for()
    results = _axe.run(page, options=WCAG_AA)
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"Accessibility problems on {page.url}:\n{report}"
