"""The Splink model of `benchmarks/splink_generated.py`: comparisons, blocking rules and training, per config.

Imports splink at the top: import this module only where splink is wanted (an ImportError means it is not
installed, and the bench says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
import splink.internals.expectation_maximisation as splink_em
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.comparison_level import M_U_CLAMP_MIN, ComparisonLevel

if TYPE_CHECKING:
    from benchmarks.splink_generated import SplinkConfig

#: Jaro-Winkler threshold of the street comparison (one level: a typo or abbreviation left by normalization).
ADDRESS_JW = 0.9
#: Recall assumed for the deterministic rules that estimate the prior (they miss a share of true pairs).
DETERMINISTIC_RECALL = 0.7
#: Random pairs sampled to estimate u (Splink's docs: 1e7 is often adequate; 9k records give 40M pairs in all).
U_MAX_PAIRS = 1e7
#: Seed of the u sampling, so a run is repeatable.
U_SEED = 1

#: m of the fixed dob levels (exact, one edit, else): most true duplicates agree, a few carry a typo.
DOB_M = (0.93, 0.05, 0.02)
#: EM sessions, each training every comparison its rule does not use. On first+last (Splink's usual first
#: choice) EM drives m of the dob levels other than exact to 0, which Splink 5 refuses (a ValueError), as it
#: does for first or last alone: only CRM contacts carry a dob, and their true duplicates agree on it.
EM_RULES = {
    "email": block_on("email"),
    "dob": block_on("dob"),
    "first+last": block_on("first_name", "last_name"),
}

#: One record's email user is the other's handle (`tori_daniels@...` and `x:tori_daniels`).
CROSS_SQL = "user_email_l = user_handle_r OR user_handle_l = user_email_r"
CROSS_NULL_SQL = "(user_email_l IS NULL OR user_handle_r IS NULL) AND (user_handle_l IS NULL OR user_email_r IS NULL)"
#: One record mentions (a phone in a message body, an email in a bio) what the other declares.
MENTIONED_SQL = (
    "list_has_any(coalesce(mentioned_l, []), coalesce(declared_r, [])) "
    "OR list_has_any(coalesce(mentioned_r, []), coalesce(declared_l, []))"
)


def _names(swapped: bool) -> list[Any]:
    """Name comparisons: one ForenameSurnameComparison (with a reversed level) or a NameComparison each."""
    if swapped:
        both = cl.ForenameSurnameComparison("first_name", "last_name", forename_surname_concat_col_name="full_name")
        return [both.configure(term_frequency_adjustments=True)]
    return [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
    ]


def _dob() -> Any:
    """Date of birth with fixed m (EM drives its sparse levels to m = 0, which Splink 5 refuses); u sampled."""
    exact, typo, other = DOB_M
    levels = [
        cll.ExactMatchLevel("dob").configure(m_probability=exact, fix_m_probability=True),
        cll.DamerauLevenshteinLevel("dob", 1).configure(m_probability=typo, fix_m_probability=True),
        cll.ElseLevel().configure(m_probability=other, fix_m_probability=True),
    ]
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth",
        comparison_levels=[cll.NullLevel("dob"), *levels],
    )


def _phones() -> Any:
    """The primary phone exactly, with term frequencies (a line many records use counts less), else any shared."""
    return cl.CustomComparison(
        output_column_name="phones",
        comparison_description="phones",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ExactMatchLevel("phone", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("phones", 1),
            cll.ElseLevel(),
        ],
    )


def _cross_usernames() -> Any:
    """The letters of one record's email user equal the other's handle (email to email is EmailComparison's)."""
    return cl.CustomComparison(
        output_column_name="usernames",
        comparison_description="email user against handle",
        comparison_levels=[
            cll.CustomLevel(CROSS_NULL_SQL, "no email user against a handle").configure(is_null_level=True),
            cll.CustomLevel(CROSS_SQL, "email user = handle"),
            cll.ElseLevel(),
        ],
    )


def _mentioned() -> Any:
    """An identifier one record mentions and the other declares, else nothing."""
    return cl.CustomComparison(
        output_column_name="mentioned",
        comparison_description="mentioned by one, declared by the other",
        comparison_levels=[
            cll.CustomLevel("mentioned_l IS NULL AND mentioned_r IS NULL", "nothing mentioned").configure(
                is_null_level=True
            ),
            cll.CustomLevel(MENTIONED_SQL, "mentioned by one, declared by the other"),
            cll.ElseLevel(),
        ],
    )


def comparisons(config: SplinkConfig) -> list[Any]:
    """Every comparison of a configuration."""
    out = [
        *_names(config.swapped_names),
        _dob(),
        cl.EmailComparison("email"),
        _phones() if config.phone_tf else cl.ArrayIntersectAtSizes("phones", [1]),
        cl.ExactMatch("handle"),
        cl.JaroWinklerAtThresholds("street", [ADDRESS_JW]),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        cl.ExactMatch("city").configure(term_frequency_adjustments=True),
    ]
    if config.usernames:
        out.append(_cross_usernames() if config.cross_usernames else cl.ArrayIntersectAtSizes("usernames", [1]))
    if config.mentioned:
        out.append(_mentioned())
    return out


def blocking_rules() -> list[Any]:
    """Rules that generate the candidate pairs (the same for every configuration)."""
    return [
        block_on("declared", arrays_to_explode=["declared"]),  # a shared email, phone or handle
        block_on("usernames", arrays_to_explode=["usernames"]),
        block_on("first_name", "last_name"),
        block_on("last_name", "dob"),
        block_on("first_name", "dob"),
        CustomRule("l.first_name = r.last_name AND l.last_name = r.first_name"),  # caller ID: `IBANEZ PENELOPE`
        CustomRule("list_has_any(l.mentioned, r.declared) OR list_has_any(r.mentioned, l.declared)"),
    ]


@contextmanager
def em_floor(clamped: list[str]) -> Iterator[None]:
    """While active, EM estimates of m or u below Splink's own floor are raised to it (names kept in `clamped`).

    Splink 5.0 refuses an m of exactly 0 (a ValueError in the middle of EM), which EM reaches for any level it
    never sees among the matches of its block; Splink 4 took it (a weight of minus infinity). The floor
    (`M_U_CLAMP_MIN`, 1e-300) gives the same result without the crash, so a fresh draw never stops the bench.
    """
    original = splink_em.populate_m_u_from_lookup
    floor = float(M_U_CLAMP_MIN)

    def populate(
        training_fixed_probabilities: set[str],
        comparison_level: ComparisonLevel,
        output_column_name: str,
        m_u_records_lookup: dict[str, dict[int, Any]],
    ) -> None:
        """Splink's own update of one level, after raising its estimates to the floor."""
        level, column = comparison_level, output_column_name
        values = m_u_records_lookup.get(column, {}).get(level.comparison_vector_value)
        trained = [
            k for k in "mu" if k not in training_fixed_probabilities and not getattr(level, f"_fix_{k}_probability")
        ]
        for key in (f"{k}_probability" for k in trained):  # u stays fixed from sampling unless asked
            if values and isinstance(values.get(key), float) and values[key] < floor:
                values[key] = floor
                clamped.append(f"{column}: {level.label_for_charts} ({key[0]})")
        original(training_fixed_probabilities, level, column, m_u_records_lookup)

    splink_em.populate_m_u_from_lookup = populate
    try:
        yield
    finally:
        splink_em.populate_m_u_from_lookup = original


def splink_linker(frame: pd.DataFrame, config: SplinkConfig) -> tuple[Linker, Callable[[], list[str]]]:
    """A Linker over the flattened records, and the function that trains it as Splink's tutorials do."""
    db_api = DuckDBAPI()
    table = db_api.register(frame)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(config),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=None)

    def train() -> list[str]:
        """Prior from deterministic rules, u by random sampling, m by EM; returns the levels held at the floor."""
        linker.training.estimate_probability_two_random_records_match(
            [block_on("email"), block_on("first_name", "last_name", "dob")], recall=DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
        clamped: list[str] = []
        with em_floor(clamped):
            for rule in config.em:
                linker.training.estimate_parameters_using_expectation_maximisation(EM_RULES[rule])
        return sorted(set(clamped))

    return linker, train
