"""Fixtures of the connector tests."""

from __future__ import annotations

import pytest

from identity_graph.settings import Settings
from tests.connectors.helpers import OWN


@pytest.fixture
def own_settings(settings: Settings) -> Settings:
    """Test settings with our side configured as the fixtures assume and small batches."""
    return settings.model_copy(update={"own_side": OWN, "ingest": settings.ingest.model_copy(update={"batch_size": 3})})
