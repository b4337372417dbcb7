"""The HTTP service: the `/api/v1` API and the web UI over one store (`create_app`), and `serve` to run it.

Both are imported on first use, so the command line (which uses the light `auth` and `audit` modules) does not
load FastAPI just to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from identity_graph.service.app import create_app
    from identity_graph.service.runner import serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    """Load `create_app` and `serve` lazily."""
    if name == "create_app":
        from identity_graph.service.app import create_app

        return create_app
    if name == "serve":
        from identity_graph.service.runner import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
