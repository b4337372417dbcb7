"""`idgraph serve --workers 2`: two worker processes over one SQLite file answer lookups, each audited."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from identity_graph.model import RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.service.auth import Role, create_token
from identity_graph.service.runner import SettingsSource
from identity_graph.store import open_store
from tests.factories import prepared, record

IDGRAPH = Path(sys.executable).with_name("idgraph")
START_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, str]:
    """A store with Bob on a CRM contact and a call, and an agent token."""
    path = tmp_path / "workers.db"
    store = open_store(path)
    crm = record("003A", "Robert", "Smith", phone="(415) 555-0134")
    call = record("1700.1", full_name="SMITH ROBERT", source="calls", kind=RecordKind.CALL_PARTY, phone="4155550134")
    store.upsert_batch([prepared(crm), prepared(call)], [])
    apply_clustering(store, [[1, 2]], cause="test")
    token, _ = create_token(store, Role.AGENT, "desk")
    store.close()
    return path, token


@pytest.mark.slow
def test_two_workers_answer_lookups_over_one_store(served: tuple[Path, str]) -> None:
    path, token = served
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDGRAPH_")}
    argv = [str(IDGRAPH), "--db", str(path), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            assert server.poll() is None, server.communicate()[0]
            try:
                if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        for _ in range(20):
            status, body = _get(f"http://127.0.0.1:{port}/api/v1/lookup?q=415%20555%200134", token)
            assert status == 200, body
            assert json.loads(body)["hits"][0]["person_id"] >= 1
        assert _get(f"http://127.0.0.1:{port}/api/v1/lookup?q=x", "idg_wrong")[0] == 401
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "2 worker processes" in output
    assert "Traceback" not in output
    store = open_store(path)
    lookups = [e for e in store.audit_entries(limit=100) if e.action == "lookup"]
    store.close()
    assert len(lookups) == 20


def test_workers_read_the_settings_their_parent_read(tmp_path: Path) -> None:
    config = tmp_path / "idgraph.toml"
    config.write_text("[service]\nlookup_limit = 7\n", encoding="utf-8")
    settings = SettingsSource(config=str(config), db=str(tmp_path / "x.db")).load()
    assert settings.service.lookup_limit == 7
    assert settings.db == tmp_path / "x.db"


def test_workers_out_of_range_is_a_usage_error() -> None:
    done = subprocess.run([str(IDGRAPH), "serve", "--workers", "0"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
