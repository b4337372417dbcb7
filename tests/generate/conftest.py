"""Generated data sets shared by the generator tests: a fresh medium one and the shipped sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.generate import generate, sample_dir
from tests.generate.readers import DataSet

#: A set big enough to show every proportion-driven case, small enough to keep the suite fast.
MEDIUM_PEOPLE = 600
MEDIUM_SEED = 11


@pytest.fixture(scope="session")
def medium(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    """A freshly generated set of MEDIUM_PEOPLE people."""
    out = tmp_path_factory.mktemp("medium")
    generate(out, MEDIUM_PEOPLE, MEDIUM_SEED, overwrite=True)
    return DataSet(out)


@pytest.fixture(scope="session")
def shipped() -> DataSet:
    """The sample shipped in identity_graph/sample."""
    root = sample_dir()
    assert (root / "manifest.toml").exists(), "the shipped sample is missing: run `idgraph generate`"
    return DataSet(root)


@pytest.fixture(scope="session", params=["medium", "shipped"])
def dataset(request: pytest.FixtureRequest) -> DataSet:
    """Each of the two sets in turn."""
    value = request.getfixturevalue(request.param)
    assert isinstance(value, DataSet)
    return value


def sample_root() -> Path:
    """Where the shipped sample lives."""
    return sample_dir()
