"""identity-graph: link the CRM, call, email and social records of one customer into one profile.

The public surface is re-exported here and pinned by `tests/test_public_api.py`. Importing this package
loads only the model layer, so connectors and matchers can depend on it cheaply.
"""

from identity_graph.errors import (
    AccessDenied,
    ConfigError,
    ConflictError,
    IdentityGraphError,
    InputError,
    NotFound,
    SchemaError,
    StoreError,
)
from identity_graph.model import (
    Channel,
    Direction,
    Evidence,
    Identifier,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    Judgement,
    MatchEdge,
    MatchStatus,
    Participation,
    PostalAddress,
    Profile,
    Record,
    RecordKind,
    RecordRef,
    Rejected,
    Role,
    Strength,
    Verdict,
)

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "Channel",
    "ConfigError",
    "ConflictError",
    "Direction",
    "Evidence",
    "Identifier",
    "IdentifierClaim",
    "IdentifierKind",
    "IdentityGraphError",
    "InputError",
    "Interaction",
    "Judgement",
    "MatchEdge",
    "MatchStatus",
    "NotFound",
    "Participation",
    "PostalAddress",
    "Profile",
    "Record",
    "RecordKind",
    "RecordRef",
    "Rejected",
    "Role",
    "SchemaError",
    "StoreError",
    "Strength",
    "Verdict",
    "__version__",
]
