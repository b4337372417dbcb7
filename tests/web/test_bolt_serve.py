"""`idgraph push --to bolt://...` and `idgraph serve --store bolt://...` against a live Bolt server, end to end: the
sample resolved in the embedded store is pushed to the server, `idgraph serve` runs as its own process on that
store, and Chromium signs in and reads a profile page rendered from it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from typer.testing import CliRunner

from identity_graph.cli.demo import sample_dir
from identity_graph.cli.main import app
from identity_graph.service.auth import Role, create_token
from identity_graph.store import TimelineQuery, open_store
from tests.bolt import BoltTarget
from tests.test_bolt_end_to_end import partition
from tests.web.conftest import VIEWPORT, free_port, shot, sign_in

#: Seconds `idgraph serve` may take to answer HTTP.
SERVE_TIMEOUT = 60.0


def _store_uri(target: BoltTarget) -> str:
    """The target as `--store` / `--to` take it: bolt://user@host:port/database (the password stays in the env)."""
    scheme, rest = target.uri.split("://", 1)
    return f"{scheme}://{target.user}@{rest}/{target.database or ''}".rstrip("/")


@pytest.fixture(scope="module")
def pushed(bolt_target: BoltTarget, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded and resolved in a SQLite file, then pushed to the Bolt server by `idgraph push`."""
    db = tmp_path_factory.mktemp("push") / "sample.db"
    config = ["--config", str(sample_dir() / "idgraph.toml"), "--db", str(db)]
    runner = CliRunner()
    for args in (["load", str(sample_dir() / "manifest.toml")], ["resolve"]):
        result = runner.invoke(app, [*config, *args])
        assert result.exit_code == 0, result.output
    bolt_target.open().close()  # empty
    env = {"IDGRAPH_STORE__NEO4J_PASSWORD": bolt_target.password}
    result = runner.invoke(app, [*config, "push", "--to", _store_uri(bolt_target)], env=env)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    assert "pushed to bolt://" in result.output and "resolved on the target" in result.output
    return db


def test_push_gives_the_server_the_same_records_and_persons(pushed: Path, bolt_target: BoltTarget) -> None:
    embedded, server = open_store(pushed), bolt_target.open(clear=False)
    try:
        assert server.counts() == embedded.counts()
        assert partition(server) == partition(embedded)
        person = max(embedded.live_person_ids(), key=lambda p: len(embedded.person_record_ids([p])[p]))
        keys = {(r.source, r.source_id) for r in embedded.get_records(embedded.person_record_ids([person])[person])}
        found = server.find_record(*sorted(keys)[0])
        assert found is not None
        on_server = server.assignments([found.id])[found.id]
        mine, _ = embedded.timeline(person, TimelineQuery(limit=500))
        theirs, _ = server.timeline(on_server, TimelineQuery(limit=500))
        assert mine and [(i.source, i.source_id) for i in theirs] == [(i.source, i.source_id) for i in mine]
        assert server.get_meta("match_model") == embedded.get_meta("match_model")
    finally:
        embedded.close()
        server.close()
    again = CliRunner().invoke(
        app,
        ["--db", str(pushed), "push", "--to", _store_uri(bolt_target), "--no-resolve"],
        env={"IDGRAPH_STORE__NEO4J_PASSWORD": bolt_target.password},
    )
    assert again.exit_code == 0 and "records 0 new, 0 updated" in again.output  # by natural key: nothing twice


@pytest.fixture(scope="module")
def serving(pushed: Path, bolt_target: BoltTarget, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`idgraph serve --store bolt://...` in its own process; its base URL."""
    port = free_port()
    env = {**os.environ, "IDGRAPH_STORE__NEO4J_PASSWORD": bolt_target.password}
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    cmd = [sys.executable, "-m", "identity_graph.cli.main", "serve", "--store", _store_uri(bolt_target)]
    proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"idgraph serve --store did not start: {Path(log.name).read_text()}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.mark.browser
def test_profile_page_is_rendered_from_the_bolt_store(browser: Browser, serving: str, bolt_target: BoltTarget) -> None:
    store = bolt_target.open(clear=False)
    try:
        token, _ = create_token(store, Role.AGENT, "bolt-e2e")
        person = max(store.live_person_ids(), key=lambda p: len(store.person_record_ids([p])[p]))
        records = store.get_records(store.person_record_ids([person])[person])
        surname = next(r.last_name for r in records if r.last_name)
    finally:
        store.close()
    context = browser.new_context(viewport=VIEWPORT, base_url=serving)
    page: Page = context.new_page()
    try:
        sign_in(page, token)
        page.goto(f"/persons/{person}")
        expect(page.locator("h1")).to_contain_text(surname)
        expect(page.locator("section.timeline ol.items li").first).to_be_visible()
        shot(page, "bolt-profile")
    finally:
        context.close()
