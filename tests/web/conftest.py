"""Fixtures of the browser tests: the app served by uvicorn on 127.0.0.1 and a real Chromium (Debian's)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Request, ViewportSize, sync_playwright

from identity_graph.service import create_app
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.service.world import World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A laptop screen: the pages must be readable at this size.
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
#: Seconds to wait for uvicorn to start.
START_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A running server: its base URL, store and world."""

    url: str
    store: SQLiteStore
    world: World
    settings: Settings


def serve_in_thread(settings: Settings, store: SQLiteStore) -> tuple[str, uvicorn.Server, threading.Thread]:
    """Start uvicorn with the app on a free loopback port in a thread; returns the URL, server and thread."""
    port = free_port()
    config = uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """The small world served over HTTP."""
    path = tmp_path / "live.db"
    store = open_store(path)
    world = build_world(store)
    settings = Settings(db=path)
    url, server, thread = serve_in_thread(settings, store)
    yield Live(url, store, world, settings)
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (skipped where it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (make test installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A fresh browser tab at laptop size that fails the test on any request leaving 127.0.0.1."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live.url)
    outside: list[str] = []

    def watch(request: Request) -> None:
        if not request.url.startswith(live.url) and not request.url.startswith("data:"):
            outside.append(request.url)

    context.on("request", watch)
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"


#: Form controls without an accessible name (a label, aria-label or, for buttons, their text).
_UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
                 || (e.tagName === 'BUTTON' && e.textContent.trim())))
  .map(e => e.outerHTML.slice(0, 120))"""


def shot(page: Page, name: str) -> None:
    """Check the page's basic accessibility (one h1, every control named) and save a full-page screenshot under
    test-output/screenshots/ for people to look at."""
    assert page.locator("h1").count() == 1, f"{name}: a page needs exactly one h1"
    assert page.evaluate(_UNLABELLED) == [], f"{name}: form controls without a label"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, token: str) -> None:
    """Sign in through the form with a token."""
    page.goto("/login")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


#: A side panel beside the phone software.
SIDE_PANEL: ViewportSize = {"width": 480, "height": 900}


@pytest.fixture
def narrow(browser: Browser, live: Live) -> Iterator[Page]:
    """A browser tab 480 px wide."""
    context = browser.new_context(viewport=SIDE_PANEL, base_url=live.url)
    tab = context.new_page()
    yield tab
    context.close()
