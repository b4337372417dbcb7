"""The steward's pages in a 480 px side panel: the queue and a pair page never scroll the page sideways (a wide
table scrolls inside itself)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.conftest import SIDE_PANEL, Live, shot, sign_in

pytestmark = pytest.mark.browser


def test_the_queue_and_a_pair_fit_a_480_px_panel(narrow: Page, live: Live) -> None:
    sign_in(narrow, live.world.tokens["steward"])
    narrow.goto("/review")
    pairs = narrow.locator("table.queue a[href^='/review/']")
    assert pairs.count() > 0, "the test world proposes no merge"
    assert narrow.evaluate("document.documentElement.scrollWidth") <= SIDE_PANEL["width"]
    shot(narrow, "n1-steward-queue-480px")
    pairs.first.click()
    narrow.wait_for_url("**/review/*/*")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= SIDE_PANEL["width"]
    shot(narrow, "n2-steward-pair-480px")
