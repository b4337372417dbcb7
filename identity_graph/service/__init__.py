"""The HTTP service: the `/api/v1` API and the web UI over one store (`create_app`), and `serve` to run it."""

from __future__ import annotations

from identity_graph.service.app import create_app
from identity_graph.service.serve import serve

__all__ = ["create_app", "serve"]
