"""The exception tree. Every error the project raises on purpose derives from `IdentityGraphError`.

IdentityGraphError
 ├── ConfigError          bad settings or mapping files (reported before any row is read)
 ├── InputError           malformed input that cannot be set aside (e.g. under --strict)
 ├── StoreError           the store cannot do what was asked
 │    ├── SchemaError     the database was written by a newer version, or is not ours
 │    └── NotFound        no such record, person, interaction or token
 │         └── PersonGone  the person id was retired: its records went to other persons, or were erased
 ├── ConflictError        a request contradicts a steward's decision or a concurrent change
 └── AccessDenied         the caller's role may not do this
"""

from __future__ import annotations


class IdentityGraphError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(IdentityGraphError):
    """Settings, a mapping file or a command's options are wrong."""


class InputError(IdentityGraphError):
    """Input data is malformed and cannot be set aside."""


class StoreError(IdentityGraphError):
    """The store cannot do what was asked."""


class SchemaError(StoreError):
    """The database is not ours or was written by a newer version."""


class NotFound(StoreError):
    """No such record, person, interaction or token."""


class PersonGone(NotFound):
    """A person id that was retired without heir: the live persons its records went to, or erased (ids only)."""

    def __init__(self, person_id: int, heirs: tuple[int, ...] = (), *, erased: bool = False) -> None:
        self.person_id = person_id
        self.heirs = heirs
        self.erased = erased
        super().__init__(self.sentence())

    def sentence(self) -> str:
        """What became of the person, in one sentence (ids only)."""
        if self.erased:
            return f"person {self.person_id} was erased"
        if not self.heirs:
            return f"person {self.person_id} was retired; its records are no longer held by any person"
        ids = ", ".join(str(p) for p in self.heirs)
        plural = "s" if len(self.heirs) > 1 else ""
        return f"person {self.person_id} was retired; its records went to person{plural} {ids}"


class ConflictError(IdentityGraphError):
    """A request contradicts a steward's decision or a concurrent change."""


class AccessDenied(IdentityGraphError):
    """The caller's role may not do this."""
