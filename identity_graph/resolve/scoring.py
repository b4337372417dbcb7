"""Score candidate pairs with the model, then apply the thresholds and the vetoes.

Vetoes (the privacy side of matching), from domain knowledge and never lifted by an estimate: when first names
(or generational suffixes, Jr / Sr) cannot be one person's, or dates of birth are a generation apart, only a
shared CRM or national id can still link the pair automatically (twins share surname, dob, address and phone;
a father and son share name, address and phone); two different national ids never link. A pair with a lesser
conflict (dates of birth years apart, a different surname beside a different dob) may not rest on what a
household shares (phones, emails, handles, the address): the person-level evidence alone (names, dob, ids,
one person's own identifiers) must reach the auto-link threshold. Else the pair goes to review at most.
Twins on a home phone, a family mailbox, two callers on a switchboard stay apart, and a nameless record that
shares only a household's identifier is not given to one of its members.
A pair whose evidence rests on an identifier only mentioned in a message body or bio is never linked on
that alone, and names alone (no shared identifier, dob or street) never link namesakes automatically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from identity_graph.model import RecordKind
from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import IdentifierStats, Shared, shared_identifiers
from identity_graph.settings import MatchingSettings
from matchers.comparisons import (
    NULL,
    Comparison,
    FloatArray,
    IdentifierComparison,
    Levels,
    PairContext,
    compare_all,
    default_comparisons,
)
from matchers.features import FeatureTable, IntArray, StrArray
from matchers.model import MatchModel, weights_of
from matchers.names import generation_conflict
from matchers.priors import ADDRESS_COMPARISONS, ADDRESS_MAX_BITS

STATUS_NONE, STATUS_REVIEW, STATUS_AUTO = 0, 1, 2
#: Comparisons whose worst level is a strong conflict (two different people), and that level's name.
CONFLICT_LEVELS = {"first_name": "else", "dob": "else"}
#: The conflicts that are strong whatever the data: domain knowledge, not an estimate.
STRONG_CONFLICTS = ("first_name", "dob")
#: Conflicts for the person-level rule only, not vetoes: a date of birth years apart (under a generation), and
#: a different surname beside a date of birth that differs (a given name and a place never outweigh both).
#: A different surname alone is not one: people change surnames when they marry, and a typo can make one.
SOFT_CONFLICT_LEVELS = {"dob": "apart"}
SURNAME_CONFLICT_WITH = {"dob": ("apart", "else")}
#: Identifier levels that are one person's evidence (not a household's): they count as person-level.
PERSONAL_SHARE_LEVELS = ("personal", "household_named")
#: Levels that anchor a link in something beyond names (a mentioned identifier anchors, but the rest of the
#: evidence must still reach auto-link without it): without one of them (names alone, or names with a
#: city) two namesakes would be linked, so such a pair goes to review at most. The same postcode and city
#: together also anchor (namesakes in one postcode are rare), and so does a handle made of the other side's
#: name together with the same city.
ANCHOR_LEVELS = {
    "phone": ("personal", "household_named", "household", "mentioned"),
    "email": ("personal", "household_named", "household", "mentioned"),
    "handle": ("personal", "household_named", "household", "mentioned"),
    "crm": ("personal", "household_named", "household", "near"),
    "national_id": ("exact", "near"),
    "dob": ("exact", "swapped", "one_digit"),
    "street": ("exact", "similar"),
    "username": ("exact",),
}
#: Surname levels at which the same postcode and city anchor a pair (not a missing or different surname).
SURNAME_AGREES = ("exact", "very_similar", "similar")
#: Name levels at which two records give the same person's name (a mentioned identifier may then count).
NAMED_LEVELS = {"first_name": ("exact", "nickname", "very_similar"), "last_name": ("exact", "very_similar")}
#: Person-level comparisons: what is left when evidence a household can share (phone, email, handle,
#: address) is set aside. A CRM or national id belongs to one person, so it stays.
PERSON_LEVEL = ("first_name", "last_name", "dob", "crm", "national_id")
#: A shared personal id (exact or one typo): a CRM's id, or an official one (SSN, passport, licence, tax id).
#: It alone lifts the vetoes: one id under two first names is one person's, not twins'.
OWN_ID_LEVELS = {"crm": ("personal", "near"), "national_id": ("exact", "near")}
MENTIONED = "mentioned"
#: Identifiers whose `personal` share links a pair whatever EM weighs it (a CRM id already outweighs it all).
PERSONAL_RULE_KINDS = ("phone", "email", "handle")
CALL_PARTY = RecordKind.CALL_PARTY.value


def comparisons_for(settings: MatchingSettings) -> tuple[Comparison, ...]:
    """The product's comparisons with the thresholds from settings."""
    return default_comparisons(settings.name_similarity)


def logit2(p: float) -> float:
    """log2(p / (1 - p)): the total weight (prior included) a probability needs."""
    return float(np.log2(p / (1.0 - p)))


@dataclass
class Scored:
    """Scored pairs: levels, per-comparison weights, totals, probabilities, statuses and veto flags."""

    li: IntArray
    ri: IntArray
    ctx: PairContext
    shared: Shared
    levels: Levels
    weights: FloatArray
    total: FloatArray
    prob: FloatArray
    status: npt.NDArray[np.int8]
    conflict: npt.NDArray[np.bool_]
    weak_only: npt.NDArray[np.bool_]
    anchorless: npt.NDArray[np.bool_]
    by_personal: npt.NDArray[np.bool_]  # linked under auto-link: one person's identifier
    by_mention: npt.NDArray[np.bool_]  # linked under auto-link: the same name, an identifier mentioned
    by_name: npt.NDArray[np.bool_]  # linked by names alone: the only two profiles with that name (`namesakes`)

    def __len__(self) -> int:
        return int(self.li.shape[0])


def compute_levels(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    li: IntArray,
    ri: IntArray,
    comparisons: tuple[Comparison, ...],
    settings: MatchingSettings,
) -> tuple[PairContext, Shared, Levels]:
    """Comparison levels of the pairs (li[i], ri[i])."""
    shared = shared_identifiers(postings, stats, li, ri, settings.shared_identifier_persons)
    ctx = PairContext(table=table, li=li, ri=ri, shared=shared.codes)
    return ctx, shared, compare_all(comparisons, ctx)


def at_level(levels: Levels, comparisons: tuple[Comparison, ...], name: str, level: str) -> npt.NDArray[np.bool_]:
    """Pairs whose comparison `name` is at `level`."""
    for k, comp in enumerate(comparisons):
        if comp.name == name:
            return np.asarray(levels[:, k] == comp.levels.index(level))
    return np.zeros(levels.shape[0], dtype=bool)


def strong_conflicts() -> tuple[str, ...]:
    """The comparisons of CONFLICT_LEVELS that veto and stop the over-merge guard: always both. Twins differ
    only by first name, a father and son of one name only by date of birth; how often a data set garbles
    those fields changes their weight (EM), never whether two people that differ there may be merged on
    what a household shares."""
    return STRONG_CONFLICTS


def conflicts(levels: Levels, comparisons: tuple[Comparison, ...], names: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Pairs in strong conflict: a first name or dob (those of `names`) at its conflicting level."""
    out = np.zeros(levels.shape[0], dtype=bool)
    for name in names:
        out |= at_level(levels, comparisons, name, CONFLICT_LEVELS[name])
    return out


def unknown_household_member(
    ctx: PairContext,
    levels: Levels,
    comparisons: tuple[Comparison, ...],
    shared: Shared | None = None,
    stats: IdentifierStats | None = None,
) -> npt.NDArray[np.bool_]:
    """Pairs linked only by a household's identifier where one side cannot say which member it is: it has
    no name, or it is a call on a household's line that only ever shows one caller-ID name (the
    subscriber's, whoever of the household called)."""
    household = np.zeros(levels.shape[0], dtype=bool)
    personal = np.zeros(levels.shape[0], dtype=bool)
    for k, comp in enumerate(comparisons):
        if isinstance(comp, IdentifierComparison):
            household |= levels[:, k] == comp.levels.index("household")
            household |= levels[:, k] == comp.levels.index("household_named")
            personal |= levels[:, k] == comp.levels.index("personal")
    blind_l = (ctx.left("first") == "") & (ctx.left("last") == "")
    blind_r = (ctx.right("first") == "") & (ctx.right("last") == "")
    if shared is not None and stats is not None and household.any():
        phone = shared.keys["phone"]
        one_name = np.fromiter((stats.caller_ids.get(str(k), 0) <= 1 for k in phone), dtype=bool, count=len(phone))
        kind = ctx.table.kind
        blind_l |= one_name & (kind[ctx.li] == CALL_PARTY)
        blind_r |= one_name & (kind[ctx.ri] == CALL_PARTY)
    out: npt.NDArray[np.bool_] = household & ~personal & (blind_l | blind_r)
    return out


def named(levels: Levels, comparisons: tuple[Comparison, ...]) -> npt.NDArray[np.bool_]:
    """Pairs whose first and last names agree (each exact or nearly: a nickname, one typo)."""
    first = np.zeros(levels.shape[0], dtype=bool)
    last = np.zeros(levels.shape[0], dtype=bool)
    for level in NAMED_LEVELS["first_name"]:
        first |= at_level(levels, comparisons, "first_name", level)
    for level in NAMED_LEVELS["last_name"]:
        last |= at_level(levels, comparisons, "last_name", level)
    out: npt.NDArray[np.bool_] = first & last
    return out


def named_mention(levels: Levels, comparisons: tuple[Comparison, ...]) -> npt.NDArray[np.bool_]:
    """Pairs whose first and last names agree and where one side's identifier is mentioned by the other (a
    signature's number under the sender's own name): two facts EM weighs apart, that together name one person."""
    mention = np.zeros(levels.shape[0], dtype=bool)
    for k, comp in enumerate(comparisons):
        if isinstance(comp, IdentifierComparison):
            mention |= levels[:, k] == comp.levels.index(MENTIONED)
    out: npt.NDArray[np.bool_] = mention & named(levels, comparisons)
    return out


def personal_identifier(levels: Levels, comparisons: tuple[Comparison, ...]) -> npt.NDArray[np.bool_]:
    """Pairs sharing a phone, email or handle that one person uses (every name behind it is one person's)."""
    out = np.zeros(levels.shape[0], dtype=bool)
    for name in PERSONAL_RULE_KINDS:
        out |= at_level(levels, comparisons, name, "personal")
    return out


def rule_links(
    levels: Levels, comparisons: tuple[Comparison, ...], free: npt.NDArray[np.bool_], settings: MatchingSettings
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Of the `free` pairs (not vetoed, anchored, not yet linked), those the rules link below auto-link: one
    person's identifier (`personal_identifier_links`), and a named mention (`named_mention_links`)."""
    none = np.zeros(levels.shape[0], dtype=bool)
    personal = personal_identifier(levels, comparisons) & free if settings.personal_identifier_links else none
    mention = named_mention(levels, comparisons) & free & ~personal if settings.named_mention_links else none
    return personal, mention


def anchored(levels: Levels, comparisons: tuple[Comparison, ...]) -> npt.NDArray[np.bool_]:
    """Pairs with at least one anchoring agreement (shared identifier, dob or street)."""
    out = np.zeros(levels.shape[0], dtype=bool)
    for k, comp in enumerate(comparisons):
        for name in ANCHOR_LEVELS.get(comp.name, ()):
            out |= levels[:, k] == comp.levels.index(name)
    city = at_level(levels, comparisons, "city", "exact") | at_level(levels, comparisons, "city", "similar")
    surname = np.zeros(levels.shape[0], dtype=bool)
    for level in SURNAME_AGREES:
        surname |= at_level(levels, comparisons, "last_name", level)
    # a postcode holds thousands of people: with a given name alone it anchors namesakes as data grows
    same_place = at_level(levels, comparisons, "postcode", "exact") & city & surname
    same_place |= at_level(levels, comparisons, "dob", "near") & city  # a birth a month or a year off, one town
    handle_here = at_level(levels, comparisons, "username", "name") & city  # `x:lhicks` in Austin: Linda Hicks
    return out | same_place | handle_here


def cap_address(weights: FloatArray, comparisons: tuple[Comparison, ...]) -> None:
    """Scale the address comparisons' positive weights down, in place, so together they add at most
    ADDRESS_MAX_BITS: street, city, postcode and state are four views of one fact a household shares."""
    cols = [k for k, c in enumerate(comparisons) if c.name in ADDRESS_COMPARISONS]
    if not cols or weights.shape[0] == 0:
        return
    part = weights[:, cols]
    positive = np.maximum(part, 0.0)
    total = positive.sum(axis=1)
    over = total > ADDRESS_MAX_BITS
    if over.any():
        scale = ADDRESS_MAX_BITS / total[over]
        part[over] = np.where(part[over] > 0, part[over] * scale[:, None], part[over])
        weights[:, cols] = part


def person_level_weight(weights: FloatArray, levels: Levels, comparisons: tuple[Comparison, ...]) -> FloatArray:
    """The weight of what only one person has: names, dob, a CRM or national id, and an identifier that one
    person uses (or that a household member gave under their own name); never an address or a household's
    shared line or mailbox."""
    person = weights[:, [k for k, c in enumerate(comparisons) if c.name in PERSON_LEVEL]].sum(axis=1)
    for k, comp in enumerate(comparisons):
        if isinstance(comp, IdentifierComparison) and comp.name not in PERSON_LEVEL:
            own = np.isin(levels[:, k], [comp.levels.index(lv) for lv in PERSONAL_SHARE_LEVELS])
            person = person + np.where(own, np.maximum(weights[:, k], 0.0), 0.0)
    out: FloatArray = person.astype(np.float32)
    return out


def exact_tf_values(
    ctx: PairContext, levels: Levels, comparisons: tuple[Comparison, ...]
) -> dict[str, tuple[StrArray, StrArray]]:
    """What term frequencies weigh: each TF comparison's values (as it sees them: names crossed back), worked out
    only for the pairs at some TF comparison's exact level (the only level a value's rarity changes), '' for the
    rest: crossing names back is the costly part of a batch's values, and most pairs are not exact."""
    ks = [k for k, c in enumerate(comparisons) if c.tf_column]
    rows = np.flatnonzero((levels[:, ks] == 0).any(axis=1)) if ks else np.zeros(0, dtype=np.int64)
    sub = PairContext(table=ctx.table, li=ctx.li[rows], ri=ctx.ri[rows])
    out: dict[str, tuple[StrArray, StrArray]] = {}
    for k in ks:
        left, right = np.full(len(ctx), "", dtype=object), np.full(len(ctx), "", dtype=object)
        left[rows], right[rows] = comparisons[k].values(sub)
        out[comparisons[k].name] = (left, right)
    return out


def best_totals(patterns: Levels, model: MatchModel, comparisons: tuple[Comparison, ...]) -> FloatArray:
    """Per pattern of levels (a row of `patterns`), the highest total weight `score_pairs` can give a pair at
    those levels: each term-frequency weight at its rarest value (`MatchModel.best_level_weights`), the address
    cap applied as to any pair (it never raises a total)."""
    weights = weights_of(patterns, model.best_level_weights())
    cap_address(weights, comparisons)
    out: FloatArray = weights.sum(axis=1) if len(patterns) else np.zeros(0, dtype=np.float32)
    return out


def score_pairs(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    li: IntArray,
    ri: IntArray,
    model: MatchModel,
    settings: MatchingSettings,
    computed: tuple[PairContext, Shared, Levels] | None = None,
) -> Scored:
    """Levels (unless already `computed` for these pairs), weights, probabilities and statuses of pairs."""
    comparisons = comparisons_for(settings)
    ctx, shared, levels = computed or compute_levels(table, postings, stats, li, ri, comparisons, settings)
    weights = model.weights(levels, exact_tf_values(ctx, levels, comparisons))
    cap_address(weights, comparisons)
    total = weights.sum(axis=1) if len(li) else np.zeros(0, dtype=np.float32)
    prob = model.probability(total)
    strong = strong_conflicts()
    conflict = conflicts(levels, comparisons, strong)
    for name, level in SOFT_CONFLICT_LEVELS.items():
        conflict = conflict | at_level(levels, comparisons, name, level)
    surname_differs = at_level(levels, comparisons, "last_name", "else")
    for name, with_levels in SURNAME_CONFLICT_WITH.items():
        for level in with_levels:
            conflict = conflict | (surname_differs & at_level(levels, comparisons, name, level))
    mentioned = np.zeros(len(li), dtype=np.float32)
    for k, comp in enumerate(comparisons):
        if isinstance(comp, IdentifierComparison):
            at = levels[:, k] == comp.levels.index(MENTIONED)
            mentioned[at] += np.maximum(weights[at, k], 0.0)
    person = person_level_weight(weights, levels, comparisons)
    auto_weight = logit2(settings.auto_link) - model.prior_weight()
    # a mentioned identifier is never enough alone: the names must agree, or the rest must reach auto-link
    weak_only = (mentioned > 0) & (total - mentioned < auto_weight) & ~named(levels, comparisons)
    own_id = np.zeros(len(li), dtype=bool)
    for name, own_levels in OWN_ID_LEVELS.items():
        for level in own_levels:
            own_id |= at_level(levels, comparisons, name, level)
    # two different SSNs (passports of one country, licences of one state...) are two people
    official = at_level(levels, comparisons, "national_id", "different")
    # different first names: twins share surname, dob, address and phone; only a personal id outweighs that
    first_conflict = conflicts(levels, comparisons, ("first_name",))
    # a father and son: `John Smith Jr.` and `John Smith Sr.` (or II and III) name two steps of a family
    first_conflict |= generation_conflict(ctx.left("generation"), ctx.right("generation"))
    twins = first_conflict & ~own_id if settings.first_name_conflict_needs_id else np.zeros(len(li), dtype=bool)
    # different birthdays: a father and son of one name share surname, address and phone
    dob_conflict = conflicts(levels, comparisons, ("dob",))
    elders = dob_conflict & ~own_id if settings.dob_conflict_needs_id else np.zeros(len(li), dtype=bool)
    # a strong conflict with no personal id: the person-level evidence alone must reach auto-link
    weak_person = conflict & (person < auto_weight) & ~own_id
    vetoed = twins | elders | weak_person | unknown_household_member(ctx, levels, comparisons, shared, stats)
    vetoed |= official
    status = np.full(len(li), STATUS_NONE, dtype=np.int8)
    status[prob >= settings.review] = STATUS_REVIEW
    anchorless = ~anchored(levels, comparisons)
    status[(prob >= settings.auto_link) & ~vetoed & ~weak_only & ~anchorless] = STATUS_AUTO
    by_personal, by_mention = rule_links(levels, comparisons, ~vetoed & ~anchorless & (status != STATUS_AUTO), settings)
    status[by_personal | by_mention] = STATUS_AUTO
    flags = (vetoed, weak_only, anchorless, by_personal, by_mention, np.zeros(len(li), dtype=bool))
    return Scored(li, ri, ctx, shared, levels, weights, total, prob, status, *flags)


def null_share(levels: Levels) -> float:
    """Share of NULL cells in a level matrix (a quick data-quality figure)."""
    return float((levels == NULL).mean()) if levels.size else 0.0
