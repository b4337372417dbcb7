"""Our own contact-center staff: agents with an extension and a mailbox at our domain."""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.generate.constants import AGENT_COUNT, FIRST_AGENT_EXTENSION, OUR_DOMAIN

#: Agent names (fictional); extension 2001 is the first.
AGENT_NAMES = (
    "Dana Whitfield", "Marcus Oyelaran", "Priya Raman", "Tom Keller", "Lucía Ferrer", "Grace Holloway",
    "Kenji Mori", "Aaron Blake", "Sofia Lindgren", "Jamal Carter", "Erin Walsh", "Noah Brandt",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Agent:
    """A support agent."""

    name: str
    extension: str
    email: str


def agents() -> tuple[Agent, ...]:
    """Every agent, extension 2001 upward, with `first.last@` our domain."""
    out = []
    for i, name in enumerate(AGENT_NAMES[:AGENT_COUNT]):
        first, last = name.lower().replace("í", "i").split(" ", 1)
        out.append(Agent(name, str(FIRST_AGENT_EXTENSION + i), f"{first}.{last}@{OUR_DOMAIN}"))
    return tuple(out)
