"""At a side-panel width (480 px) the main menu wraps between its links and never splits a word ("Se|ar|ch"),
and the page does not scroll sideways; Debian's Chromium on the small world served over HTTP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.web.conftest import Live, shot, sign_in

#: A side panel beside the telephony screen.
NARROW: ViewportSize = {"width": 480, "height": 900}


@pytest.mark.browser
def test_the_admin_menu_at_480_px_keeps_each_link_on_one_line(page: Page, live: Live) -> None:
    page.set_viewport_size(NARROW)
    sign_in(page, live.world.tokens["admin"])
    page.goto(f"/persons/{live.world.ana}")
    links = page.locator("header.top nav a")
    assert links.count() >= 8  # Search … Admin: the longest menu
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('header.top nav a')).lineHeight)")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    heights = [b["height"] for b in boxes if b is not None]
    assert max(heights) < 1.5 * line, f"a menu link wraps inside itself: {heights} (line {line})"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "narrow-menu-480")


@pytest.mark.browser
def test_pages_log_no_errors_in_the_browser_console(page: Page, live: Live) -> None:
    """No 404 for /favicon.ico (or anything else) in the console on the sign-in page and a profile."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live.world.tokens["agent"])
    page.goto(f"/persons/{live.world.ana}")
    page.wait_for_load_state("networkidle")
    assert errors == []
