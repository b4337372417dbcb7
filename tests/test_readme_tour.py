"""The README's five-minute tour runs as written, on the data it generates, with the installed `idgraph`.

The commands are read from README.md between `<!-- tour:start` and `<!-- tour:end -->`; each runs in a
temporary folder (its `/tmp/acme` becomes a folder in it, and `serve` gets a free port through
IDGRAPH_SERVICE__PORT), must succeed, and must print what the tour promises.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
IDGRAPH = Path(sys.executable).with_name("idgraph")
#: The one tour line that is not an idgraph command: it sets up what this test already runs in.
SETUP_LINE = "make install && . .venv/bin/activate"
#: What each tour command must print (stdout and stderr together, any case), by its subcommand.
EXPECTED: dict[str, list[str]] = {
    "generate": ["truth"],
    "load": ["load summary", "loaded"],
    "ingest": ["unchanged"],
    "resolve": ["persons"],
    "profile": ["Sharon", "person "],
    "whois": ["Sharon Jimenez", "person "],
    "evaluate": ["pairwise F1", "B-cubed F1"],
    "token": ["created"],
}
#: What a tour command must never print.
NEVER = ["Traceback", "inferred our own numbers"]
#: Seconds `serve` may take to answer its health check.
SERVE_START_S = 30.0


def tour_commands(text: str) -> list[str]:
    """The shell lines of the README's tour block, comments and blank lines dropped."""
    match = re.search(r"<!-- tour:start.*?-->\s*```sh\n(.*?)```\s*<!-- tour:end -->", text, re.S)
    assert match, "README.md has no tour between <!-- tour:start --> and <!-- tour:end -->"
    lines = match.group(1).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _subcommand(argv: list[str]) -> str:
    """The idgraph command of an argv, past the global options (`--db X`, `--config Y`)."""
    rest = argv[1:]
    while rest and rest[0].startswith("--"):
        rest = rest[2:] if "=" not in rest[0] else rest[1:]
    return rest[0] if rest else ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(argv: list[str], cwd: Path, env: dict[str, str], port: int) -> None:
    """Start the tour's `serve`, wait for its health check, then stop it."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + SERVE_START_S
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"serve exited: {proc.communicate()[0]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        pytest.fail("serve did not answer its health check")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_tour_is_the_tested_one() -> None:
    commands = tour_commands(README.read_text(encoding="utf-8"))
    assert commands[0] == SETUP_LINE
    for line in commands[1:]:
        argv = shlex.split(line, comments=True)
        assert argv[0] == "idgraph", f"a tour line that is not an idgraph command: {line}"
        assert _subcommand(argv) in {*EXPECTED, "serve"}, f"no expectation for the tour line: {line}"


@pytest.mark.slow
def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    acme = tmp_path / "acme"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDGRAPH_")}
    env |= {"IDGRAPH_SERVICE__PORT": str(port), "COLUMNS": "100", "PATH": f"{IDGRAPH.parent}:{env.get('PATH', '')}"}
    for line in tour_commands(README.read_text(encoding="utf-8"))[1:]:
        argv = [arg.replace("/tmp/acme", str(acme)) for arg in shlex.split(line, comments=True)]
        argv[0] = str(IDGRAPH)
        command = _subcommand(argv)
        if command == "serve":
            _serve(argv, tmp_path, env, port)
            continue
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{line}\n{output}"
        for text in EXPECTED[command]:
            assert text.lower() in output.lower(), f"{line}: {text!r} not in\n{output}"
        for text in NEVER:
            assert text not in output, f"{line}: {text!r} in\n{output}"
