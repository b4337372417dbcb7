"""A seed always writes the same bytes; the shipped sample is exactly what the command regenerates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from identity_graph.generate import SAMPLE_PEOPLE, SAMPLE_SEED, generate, sample_dir

FILES = (
    "crm/contacts.csv", "crm/hubspot.csv", "calls/Master.csv", "mail/support.mbox", "marketing/sends.csv",
    "social/x_pages.jsonl", "manifest.toml", "idgraph.toml", "mappings/esp.toml", "mappings/asterisk.toml",
    "campaigns/campaigns.toml", "README.txt", "truth.csv",
)  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_shipped_sample_regenerates_byte_for_byte(tmp_path: Path) -> None:
    """Generating with the shipped seed and size reproduces identity_graph/sample exactly."""
    generate(tmp_path / "again", SAMPLE_PEOPLE, SAMPLE_SEED)
    shipped, again = tree(sample_dir()), tree(tmp_path / "again")
    assert sorted(shipped) == sorted(again) == sorted(FILES)
    changed = [name for name in FILES if shipped[name] != again[name]]
    assert not changed, f"regenerate the sample: idgraph generate identity_graph/sample --force ({changed})"


def test_same_seed_same_bytes_in_another_process(tmp_path: Path) -> None:
    """Another interpreter with another hash seed writes identical files (no set-order or time leaks)."""
    generate(tmp_path / "here", 150, 5)
    code = "import sys; from pathlib import Path; from identity_graph.generate import generate; "
    code += "generate(Path(sys.argv[1]), 150, 5)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "there")], check=True, env=env)
    assert tree(tmp_path / "here") == tree(tmp_path / "there")


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    """Different seeds give different data of the same shape."""
    generate(tmp_path / "a", 60, 1)
    generate(tmp_path / "b", 60, 2)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert a["crm/contacts.csv"] != b["crm/contacts.csv"]
    assert a["manifest.toml"] == b["manifest.toml"]


def test_shipped_sample_stays_small() -> None:
    """The sample keeps the repository light."""
    total = sum(len(data) for data in tree(sample_dir()).values())
    assert total < 500_000
