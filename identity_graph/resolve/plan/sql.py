"""The batch plan's relational steps as SQL text that DuckDB and Spark SQL both accept (written once).

Input tables, one row per record or per record-key (built by `plan.tables`):
- `keys(kpass, k, r)`: a record's non-empty blocking key of one pass; the passes of one namespace (user names,
  near ids) share one `kpass` and hold each (key, record) once.
- `reps(r)`: the records that represent identical ones (only they are compared).
- `ident(code, pos)`: postings of representatives on identifiers that are no crowd's (`identifier_blocks`).
- `sn(r, sn_pos)`: representatives with a surname, numbered in sorted-neighbourhood order.
- `dups(li, ri)`: each record paired with its representative.
- `steps(step)`: 1 .. window - 1.

`PAIRS` gives every pair to compare once (li < ri), with `core` (an indexed pass found it: EM learns from it),
`cand` (a blocking pass found it) and `dup` (identical records).
"""

from __future__ import annotations

#: Blocks of one key larger than this many records (all records, as the store's key index counts them) are
#: skipped; `{max_block}` is filled in.
KEY_PAIRS = """
SELECT a.r AS li, b.r AS ri
FROM keys a
JOIN keys b ON a.kpass = b.kpass AND a.k = b.k AND a.r < b.r
JOIN (SELECT kpass, k FROM keys GROUP BY kpass, k HAVING COUNT(*) <= {max_block}) s
  ON a.kpass = s.kpass AND a.k = s.k
JOIN reps ra ON ra.r = a.r
JOIN reps rb ON rb.r = b.r
"""

#: Pairs of representatives sharing an identifier held (postings counted) by at most `{max_block}`.
IDENT_PAIRS = """
SELECT a.pos AS li, b.pos AS ri
FROM ident a
JOIN ident b ON a.code = b.code AND a.pos < b.pos
JOIN (SELECT code FROM ident GROUP BY code HAVING COUNT(*) <= {max_block}) s ON a.code = s.code
"""

#: Pairs within the window of the sorted neighbourhood.
SN_PAIRS = """
SELECT LEAST(a.r, b.r) AS li, GREATEST(a.r, b.r) AS ri
FROM sn a
CROSS JOIN steps s
JOIN sn b ON b.sn_pos = a.sn_pos + s.step
"""

#: Every pair once, with where it came from; `{core}` and `{sn}` are the queries above.
PAIRS = """
SELECT li, ri, MAX(core) AS core, MAX(cand) AS cand, MAX(dup) AS dup
FROM (
  SELECT li, ri, 1 AS core, 1 AS cand, 0 AS dup FROM ({core}) c
  UNION ALL
  SELECT li, ri, 0 AS core, 1 AS cand, 0 AS dup FROM ({sn}) n
  UNION ALL
  SELECT li, ri, 0 AS core, 0 AS cand, 1 AS dup FROM dups
) p
WHERE li <> ri
GROUP BY li, ri
"""

#: Pairs in the order today's path holds them (by left row, then right row), in batches.
PAIRS_IN_ORDER = "SELECT li, ri, core, dup FROM pairs ORDER BY li, ri"

#: How many pairs there are to compare (identical records' pairs too).
PAIR_COUNT = "SELECT COUNT(*) FROM pairs"

#: How many pairs a blocking pass found (today's `candidate_pairs`).
CANDIDATE_COUNT = "SELECT COUNT(*) FROM pairs WHERE cand = 1"

#: EM's training pairs' level patterns, counted (`{columns}`: the level columns).
PATTERN_COUNTS = "SELECT {columns}, COUNT(*) AS n FROM levels WHERE train = 1 GROUP BY {columns}"

#: Every level pattern of the stored pairs (`{columns}`: the level columns).
ALL_PATTERNS = "SELECT {columns} FROM levels GROUP BY {columns}"

#: The stored levels, in pair order, for scoring.
LEVELS_IN_ORDER = "SELECT * FROM levels ORDER BY li, ri"

#: The stored levels of the pairs whose pattern is in `keepable` (distinct patterns), in pair order (`{on}`: the
#: level columns equal, `l.lK = k.lK AND ...`).
KEPT_LEVELS_IN_ORDER = "SELECT l.* FROM levels l JOIN keepable k ON {on} ORDER BY l.li, l.ri"


def same_levels(columns: list[str]) -> str:
    """The join condition of KEPT_LEVELS_IN_ORDER: every level column of `l` equal to `k`'s."""
    return " AND ".join(f"l.{c} = k.{c}" for c in columns)


def union_all(queries: list[str]) -> str:
    """One query of several queries' rows (each in parentheses)."""
    return "\nUNION ALL\n".join(f"SELECT li, ri FROM ({q}) q{i}" for i, q in enumerate(queries))


def pairs_query(max_block: int, ident_block: int, window: int) -> str:
    """The PAIRS query, filled in (no sorted neighbourhood below a window of 2)."""
    core = union_all([KEY_PAIRS.format(max_block=max_block), IDENT_PAIRS.format(max_block=ident_block)])
    sn = SN_PAIRS if window >= 2 else "SELECT li, ri FROM dups WHERE 1 = 0"
    return PAIRS.format(core=core, sn=sn)
