"""Named, documented settings, read once at the edge (CLI, service) and passed in explicitly.

Sources, later ones winning: defaults here, a TOML file (`idgraph.toml` in the working directory, or
`--config`), then environment variables `IDGRAPH_...` (nested with `__`, e.g. `IDGRAPH_MATCHING__AUTO_LINK=0.97`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from identity_graph.errors import ConfigError


class OwnSideSettings(BaseModel):
    """Our own numbers, contexts, domains and addresses: never customers."""

    phone_numbers: list[str] = Field(default_factory=list, description="our hotline and agent numbers")
    contexts: list[str] = Field(default_factory=list, description="Asterisk dialplan contexts of our agents")
    email_domains: list[str] = Field(default_factory=list, description="our mail domains")
    email_addresses: list[str] = Field(default_factory=list, description="our individual addresses")
    handles: list[str] = Field(default_factory=list, description="our social accounts as platform:handle (e.g. x:acme)")
    infer: bool = Field(True, description="infer our side from the data when none is configured")
    infer_min_share: float = Field(
        0.2, ge=0.0, le=1.0, description="a counterpart in at least this share of items is taken as ours"
    )
    infer_min_items: int = Field(20, ge=1, description="items needed before inference is trusted")
    infer_scan_items: int = Field(5000, ge=1, description="items a connector pre-scans (per load) to infer our side")


class IngestSettings(BaseModel):
    """How loads are batched and where rejected rows go."""

    batch_size: int = Field(5000, ge=1, description="items per transaction")
    quarantine_dir: Path = Field(Path("quarantine"), description="where rejected rows are written")
    snippet_chars: int = Field(240, ge=0, description="length of an email's stored snippet")


#: Matching settings that no longer exist, with what to do instead (a config naming one is refused, not ignored).
REMOVED_MATCHING_SETTINGS = {
    "conflict_veto_max_m": "no estimate lifts a veto any more (docs/matching.md, 'No estimate switches a "
    "safeguard off'); remove it, or turn a veto off with first_name_conflict_needs_id / dob_conflict_needs_id",
    "conflict_veto_min_matches": "no estimate lifts a veto any more; remove it",
}


class MatchingSettings(BaseModel):
    """Thresholds and limits of the matcher; see docs/matching.md."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_removed(cls, data: Any) -> Any:
        """A removed setting is an error that says what replaced it, never silently ignored."""
        if isinstance(data, dict):
            for name, advice in REMOVED_MATCHING_SETTINGS.items():
                if name in data:
                    raise ValueError(f"matching.{name} was removed: {advice}")
        return data

    default_region: str = Field("US", description="region for phone numbers written without a country code")
    auto_link: float = Field(0.95, ge=0.0, le=1.0, description="match probability at or above which we link")
    review: float = Field(0.60, ge=0.0, le=1.0, description="probability at or above which a human reviews")
    name_similarity: float = Field(0.88, ge=0.0, le=1.0, description="Jaro-Winkler for a fuzzy name agreement")
    max_block_size: int = Field(200, ge=2, description="a blocking value shared by more records is skipped")
    shared_identifier_persons: int = Field(
        3, ge=2, description="an identifier used by this many distinct persons gives no evidence alone"
    )
    model_path: Path | None = Field(None, description="trained match model (JSON); None trains on resolve")
    sorted_neighbourhood_window: int = Field(
        4, ge=0, description="batch blocking: compare each record with this many neighbours sorted by name (0: off)"
    )
    placeholder_name_identifiers: int = Field(
        25,
        ge=2,
        description="a full name seen with this many distinct identifiers, and no known given name, "
        "is a placeholder (e.g. WIRELESS CALLER)",
    )
    first_name_conflict_needs_id: bool = Field(
        True,
        description="records whose first names conflict link automatically only through a shared CRM or "
        "national id (keeps twins with one birthday apart; costs recall on data with replaced first names)",
    )
    dob_conflict_needs_id: bool = Field(
        True,
        description="records whose dates of birth are a generation apart link automatically only through a "
        "shared CRM or national id (keeps a father and son of one name apart; costs recall on data with "
        "replaced dobs); off, "
        "the link must still rest on person-level evidence (names, dob, ids, one person's own identifiers), "
        "never on what a household shares",
    )
    named_mention_links: bool = Field(
        True,
        description="link a pair whose first and last names agree when one side's identifier is mentioned by "
        "the other (a signature's number under the sender's own name), unless a veto holds it back",
    )
    sole_name_links: bool = Field(
        True,
        description="link two profiles that are the only ones bearing a full name when their cities and dates "
        "of birth do not disagree and one of them is small (`sole_name_max_records`), not a profile made only "
        "of social accounts and calls, unless a veto holds the pair back; a third bearer of the name undoes it",
    )
    sole_name_max_records: int = Field(
        2,
        ge=0,
        description="the smaller of the two profiles the sole-namesake rule joins holds at most this many records "
        "(0: any): a name may attach a stray record or two to a person, never merge two established profiles",
    )
    sole_name_min_score: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="the match probability the sole-namesake rule's pair must reach (its names agree; an "
        "address or number that differs lowers it)",
    )
    personal_identifier_links: bool = Field(
        True,
        description="link a pair sharing a phone, email or handle that one person uses (every name behind it "
        "is one person's), unless a veto holds it back, whatever EM weighs the share",
    )


#: A DuckDB memory limit as DuckDB reads one: a number and a unit (512MB, 1.5GB, 2GiB) or a share of RAM (80%).
DUCKDB_MEMORY_PATTERN = r"\s*\d+(\.\d+)?\s*([KMGT]i?B|%)\s*"


class ResolveSettings(BaseModel):
    """What runs a full batch resolve (`idgraph resolve`, the demo, `push`, a real-time add with no model yet);
    `idgraph resolve --engine/--memory/--master` override these. See docs/scale.md."""

    engine: Literal["duckdb", "spark", "python"] = Field(
        "duckdb",
        description="duckdb (the batch plan in this process, spills to disk), spark (the plan on Spark SQL, "
        "`identity-graph[spark]`) or python (the path without a plan); all give the same links and persons",
    )
    memory: str = Field(
        "512MB",
        description="DuckDB's memory limit (e.g. 512MB, 2GB, 80%); past it, DuckDB spills to a temporary directory",
    )
    master: str = Field("local[2]", min_length=1, description="Spark's master: local[2], spark://host:7077, yarn")

    @field_validator("memory")
    @classmethod
    def _a_size(cls, value: str) -> str:
        """A size DuckDB reads (and nothing else reaches its SQL)."""
        size = re.fullmatch(DUCKDB_MEMORY_PATTERN, value, re.IGNORECASE)
        if not size or (size.group(2) == "%" and float(value.strip().rstrip("%")) > 100):  # DuckDB refuses 150%
            raise ValueError(f"memory must be a size such as 512MB, 2GB or 80%, not {value!r}")
        return value.strip()


class ProfileSettings(BaseModel):
    """Survivorship of golden fields and timeline paging."""

    source_priority: list[str] = Field(
        default_factory=list, description="sources in order of trust for golden fields, best first"
    )
    timeline_page_size: int = Field(50, ge=1, le=1000, description="timeline items per page")


class ServiceSettings(BaseModel):
    """The HTTP service and web UI."""

    host: str = Field("127.0.0.1", description="address to bind; loopback by default")
    port: int = Field(8765, ge=1, le=65535, description="port to serve on")
    session_hours: float = Field(12.0, gt=0, description="a web sign-in lasts this long")
    secure_cookies: bool = Field(False, description="mark cookies Secure (set when served behind HTTPS)")
    lookup_limit: int = Field(20, ge=1, le=500, description="most persons a lookup returns")
    audit_page_size: int = Field(100, ge=1, le=10_000, description="audit entries per page")
    reads_per_minute: int = Field(
        120,
        ge=0,
        description="most lookups, who-is questions and profile reads one token of an agent, the social team or a "
        "steward makes in any 60 seconds over the API; more are answered 429 with Retry-After (0: no limit)",
    )
    daily_read_alert: int = Field(
        2_000,
        ge=0,
        description="reads by one token in one UTC day past which the audit log gets a `reads.volume` entry, "
        "once a day per token (0: never)",
    )


class CampaignSettings(BaseModel):
    """Campaign awareness (docs/campaigns.md)."""

    as_of: datetime | None = Field(
        None,
        description="the moment campaign answers count from (what is live, the last 30 days of touches, the "
        "briefing): set it to show data that ended in the past, as the demo does for its sample; unset means now",
    )


class StoreSettings(BaseModel):
    """Which store holds the graph: the embedded SQLite file (`db`) or a Neo4j server for teams."""

    backend: Literal["sqlite", "neo4j"] = Field("sqlite", description="sqlite (embedded, no server) or neo4j")
    neo4j_uri: str | None = Field(None, description="bolt or neo4j URI of the server, e.g. neo4j://db:7687")
    neo4j_user: str = Field("neo4j", description="user for the Neo4j server")
    neo4j_password: SecretStr | None = Field(None, description="password (set IDGRAPH_STORE__NEO4J_PASSWORD)")
    neo4j_database: str | None = Field(None, description="database name; the server's default when unset")
    checkpoint: Literal["background", "writer"] = Field(
        "background",
        description="sqlite: who copies the write-ahead log into the file. background: a thread of the store, "
        "shortly after commits, and a final TRUNCATE on close (no write pays for it); writer: SQLite's default, "
        "the commit that grows the log past 1000 pages copies it (one write in a few dozen is slow)",
    )
    checkpoint_interval_ms: int = Field(
        250,
        ge=1,
        le=60_000,
        description="sqlite, background: checkpoint at most this often while commits arrive (fewer, larger "
        "checkpoints disturb fewer writes; each of those a little longer)",
    )
    checkpoint_fallback_pages: int = Field(
        10_000,
        ge=100,
        description="sqlite, background: a commit that leaves the log longer than this many pages checkpoints "
        "itself (the thread fell behind, e.g. in a bulk load with readers); bounds the log's size",
    )


class PrivacySettings(BaseModel):
    """Erasure behaviour."""

    tombstones: bool = Field(True, description="erased source items are not re-linked when loaded again")
    vacuum_after_erase: bool = Field(
        True,
        description="VACUUM the store after an erasure, so no old copy of the person's data (left in free pages by "
        "earlier updates) stays in the file; turn off for very large stores and VACUUM on a schedule",
    )


class StewardSettings(BaseModel):
    """The review queue's impact ranking, split bookkeeping and the quality estimate; see docs/stewardship.md.

    impact = size * log2(1 + records of both persons) + interactions * log2(1 + interactions that would move)
             + shared_identifiers * identifiers both records hold + recency * 0.5 ** (age days / half-life)
             + guard (chain-guard reports only)
    """

    impact_size: float = Field(1.0, ge=0.0, description="impact weight of log2(1 + records of both persons)")
    impact_interactions: float = Field(
        1.0, ge=0.0, description="impact weight of log2(1 + interactions that would move on a merge)"
    )
    impact_shared_identifiers: float = Field(
        0.5, ge=0.0, description="impact weight per normalized identifier both records hold"
    )
    impact_recency: float = Field(2.0, ge=0.0, description="impact weight of the newest record's freshness (0..1)")
    recency_half_life_days: float = Field(30.0, gt=0.0, description="days after which a record's freshness counts half")
    impact_guard: float = Field(3.0, ge=0.0, description="extra impact of a chain-guard report over a review edge")
    split_pairwise_limit: int = Field(
        10_000, ge=1, description="split records a 'different' judgement for every cross-group pair up to this many"
    )
    quality_confidence: float = Field(
        0.95, gt=0.0, lt=1.0, description="confidence level of the precision interval of `idgraph quality`"
    )


class Settings(BaseSettings):
    """All settings of identity-graph."""

    model_config = SettingsConfigDict(env_prefix="IDGRAPH_", env_nested_delimiter="__", extra="forbid")

    db: Path = Field(Path("identity.db"), description="the embedded store's SQLite file")
    store: StoreSettings = StoreSettings()
    own_side: OwnSideSettings = OwnSideSettings()
    ingest: IngestSettings = IngestSettings()
    matching: MatchingSettings = MatchingSettings()
    resolve: ResolveSettings = ResolveSettings()
    profile: ProfileSettings = ProfileSettings()
    service: ServiceSettings = ServiceSettings()
    campaigns: CampaignSettings = CampaignSettings()
    privacy: PrivacySettings = PrivacySettings()
    steward: StewardSettings = StewardSettings()


DEFAULT_CONFIG_FILE = Path("idgraph.toml")


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build settings: explicit overrides, then `IDGRAPH_*` variables, then the TOML file, then defaults."""
    path = config if config is not None else DEFAULT_CONFIG_FILE
    if config is not None and not config.exists():
        raise ConfigError(f"settings file {config} does not exist")
    if path.exists():
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc

    class _FileSettings(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=path))

    try:
        return _FileSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise ConfigError(f"invalid settings ({path}): {exc}") from exc
