"""A load stopped by SIGTERM is in the load history as one stopped by Ctrl-C (SIGINT) is: a real `idgraph ingest`
in a subprocess, stopped by a real signal while it waits for more input."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from identity_graph.ingest_signals import sigterm_as_interrupt
from identity_graph.store import open_store

#: Seconds the child gets to start and to stop after the signal.
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30

#: The child: `idgraph ingest` whose connector yields one record and one rejected row, says READY, then waits
#: (as a load waits on a slow disk or a pipe) until a signal stops it.
CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, UTC
    import identity_graph.ingest as ingest_module
    from identity_graph.cli.main import main
    from identity_graph.model import Record, RecordKind, Rejected

    class Counter:
        done = 0

    class Slow:
        counter = Counter()

        def check(self, paths):
            pass

        def read(self, paths):
            yield Record(kind=RecordKind.CONTACT, source="crm", source_id="1", first_name="Ann", last_name="Lee")
            yield Rejected(path="contacts.csv", line=3, reason="too few fields", raw="x")
            print("READY", flush=True)
            while True:
                time.sleep(0.05)

    ingest_module.make_connector = lambda fmt, options, mapping: Slow()
    sys.argv = ["idgraph", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.parametrize(
    ("sig", "stopped"), [(signal.SIGINT, "stopped: KeyboardInterrupt"), (signal.SIGTERM, "stopped: Terminated")]
)
def test_a_load_stopped_by_a_signal_is_in_the_load_history(tmp_path: Path, sig: int, stopped: str) -> None:
    db, source = tmp_path / "s.db", tmp_path / "contacts.csv"
    source.write_text("Id,FirstName\n", encoding="utf-8")
    open_store(db).close()
    args = ["--db", str(db), "ingest", "--format", "salesforce", "--source", "crm", str(source)]
    env = {"IDGRAPH_INGEST__QUARANTINE_DIR": str(tmp_path / "q"), "PATH": "/usr/bin:/bin"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        child.send_signal(sig)
        child.wait(STOP_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode != 0
    with open_store(db) as store:
        (run,) = store.ingest_runs()
    assert stopped in run.notes and run.quarantined == 1
    assert any(note.startswith("quarantine: ") for note in run.notes)


def test_the_previous_sigterm_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with sigterm_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before
