"""Every Cypher statement of the Neo4j store, checked without a server.

- Queries and updates are parsed by a real Cypher parser (`antlr4-cypher`, the ANTLR grammars-v4 grammar).
- That grammar has no schema commands, so `DDL_*` statements are matched against the documented Neo4j 5 forms
  (`CREATE CONSTRAINT ... IF NOT EXISTS FOR ... REQUIRE ... IS UNIQUE`, `CREATE [FULLTEXT] INDEX ... IF NOT EXISTS
  FOR ... ON ...`) and their patterns, property lists and OPTIONS map are parsed by the same parser.
- The store's code is read (AST) to check it runs nothing but these constants, with exactly the parameters each
  statement names.
- Where node and Neo4j's own `@neo4j-cypher/language-support` are installed, every statement also goes through
  Neo4j's parser and semantic analysis for Cypher 5 and Cypher 25 (skipped, with the reason, elsewhere).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from antlr4_cypher import CypherLexer, CypherParser

from identity_graph.store.neo4j import cypher, schema

PACKAGE = Path(cypher.__file__).parent
CONSTANTS = {n: v for n, v in vars(cypher).items() if n.isupper() and not n.startswith("_") and isinstance(v, str)}
DDL = {n: v for n, v in CONSTANTS.items() if n.startswith("DDL_")}
#: `SHOW ...` commands: the grammar has none, so they are matched against the Neo4j 5 form (ArcadeDB runs it too).
SHOW = {n: v for n, v in CONSTANTS.items() if n.startswith("SHOW_")}
QUERIES = {n: v for n, v in CONSTANTS.items() if not n.startswith(("DDL_", "SHOW_"))}
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
#: Helpers of `base.py` that run a statement, and the parameter each supplies itself.
RUNNERS = {"run": None, "run_rows": "rows", "run_ids": "ids", "run_keys": "keys", "_query": None, "_execute": None}


class _Collect(ErrorListener):  # type: ignore[misc]
    """Collects syntax errors instead of printing them."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def syntaxError(self, recognizer: Any, offending: Any, line: int, column: int, msg: str, e: Any) -> None:  # noqa: N802
        self.errors.append(f"{line}:{column} {msg}")


def parse_errors(statement: str) -> list[str]:
    """Syntax errors the Cypher parser reports for one statement (empty when it parses)."""
    errors = _Collect()
    lexer = CypherLexer(InputStream(statement))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    parser = CypherParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    parser.script()
    return errors.errors


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NODE = rf"\((?P<var>{_NAME}):(?P<label>{_NAME})\)"
_REL = rf"\(\)-\[(?P<rvar>{_NAME}):(?P<rtype>{_NAME}|`{_NAME}`)\]-\(\)"
_CONSTRAINT = re.compile(
    rf"CREATE CONSTRAINT (?P<name>{_NAME}) IF NOT EXISTS FOR {_NODE} REQUIRE (?P<props>.+) IS UNIQUE"
)
_INDEX = re.compile(rf"CREATE INDEX (?P<name>{_NAME}) IF NOT EXISTS FOR (?:{_NODE}|{_REL}) ON \((?P<props>[^)]+)\)")
_FULLTEXT = re.compile(
    rf"CREATE FULLTEXT INDEX (?P<name>{_NAME}) IF NOT EXISTS FOR {_NODE} ON EACH \[(?P<props>[^\]]+)\] "
    r"OPTIONS (?P<options>\{.+\})"
)


_SHOW = re.compile(rf"SHOW (?:INDEXES|CONSTRAINTS) YIELD (?P<cols>{_NAME}(?:, {_NAME})*) RETURN (?P<ret>.+)")


def show_errors(statement: str) -> list[str]:
    """What is wrong with a `SHOW INDEXES|CONSTRAINTS YIELD ... RETURN ...` command: its frame, and its RETURN
    under the Cypher parser (over the yielded columns)."""
    match = _SHOW.fullmatch(statement)
    if match is None:
        return ["not a SHOW INDEXES|CONSTRAINTS YIELD ... RETURN ... form"]
    cols = match["cols"].split(", ")
    return parse_errors(f"UNWIND $rows AS row WITH {', '.join(f'row.{c} AS {c}' for c in cols)} RETURN {match['ret']}")


def ddl_errors(statement: str) -> list[str]:
    """What is wrong with a schema statement: its frame, its variable use, and its parts under the Cypher parser."""
    match = _CONSTRAINT.fullmatch(statement) or _INDEX.fullmatch(statement) or _FULLTEXT.fullmatch(statement)
    if match is None:
        return ["not a supported CREATE CONSTRAINT / CREATE [FULLTEXT] INDEX ... IF NOT EXISTS form"]
    parts = match.groupdict()
    var = parts["var"] or parts["rvar"]
    props = parts["props"].strip()
    inner = props[1:-1] if props.startswith("(") and props.endswith(")") else props
    items = [p.strip() for p in inner.split(",")]
    errors = [f"property {p!r} is not on variable {var}" for p in items if not re.fullmatch(rf"{var}\.{_NAME}", p)]
    pattern = f"({var}:{parts['label']})" if parts["var"] else f"()-[{var}:{parts['rtype']}]-()"
    errors += parse_errors(f"MATCH {pattern} RETURN {', '.join(items)}")
    if parts.get("options"):
        errors += parse_errors(f"RETURN {parts['options']} AS options")
    return errors


# ---------------------------------------------------------------- the parser and the DDL check can fail
@pytest.mark.parametrize(
    "broken",
    [
        "MATCH (n RETURN n",
        "UNWIND $rows row CREATE (:Record {id: row.id})",
        "MATCH (r:Record) WHERE r.id = RETURN r",
        "MATCH (r:Record) RETURN r ORDER r.id",
        "MATCH (r:Record) SET r.dirty = false RETURN r LIMIT $limit",  # a keyword as a parameter name
    ],
)
def test_parser_rejects_broken_statements(broken: str) -> None:
    assert parse_errors(broken)


@pytest.mark.parametrize(
    "broken",
    [
        "CREATE CONSTRAINT record_id FOR (r:Record) REQUIRE r.id IS UNIQUE",  # not idempotent
        "CREATE CONSTRAINT record_id IF NOT EXISTS FOR (r:Record) REQUIRE x.id IS UNIQUE",  # wrong variable
        "CREATE CONSTRAINT record_id IF NOT EXISTS FOR (r:Record) REQUIRE (r.id, r.) IS UNIQUE",
        "CREATE INDEX ix IF NOT EXISTS FOR (r:Record) ON r.dirty",
        "CREATE FULLTEXT INDEX names IF NOT EXISTS FOR (r:Record) ON EACH [r.name] OPTIONS {indexConfig: {a: }}",
    ],
)
def test_ddl_check_rejects_broken_schema_statements(broken: str) -> None:
    assert ddl_errors(broken)


@pytest.mark.parametrize(
    "broken", ["SHOW INDEXES", "SHOW INDEXES YIELD name state RETURN name", "SHOW INDEXES YIELD name RETURN name,"]
)
def test_show_check_rejects_broken_commands(broken: str) -> None:
    assert show_errors(broken)


@pytest.mark.parametrize("name", sorted(SHOW))
def test_show_command_is_well_formed(name: str) -> None:
    assert show_errors(SHOW[name]) == [], SHOW[name]


def test_parser_accepts_what_the_store_relies_on() -> None:
    assert parse_errors("UNWIND $rows AS row MERGE (r:Record {id: row.id}) ON CREATE SET r += row.props") == []
    assert ddl_errors(cypher.DDL_RECORD_KEY) == []


# ---------------------------------------------------------------- every statement of the store
def test_there_are_statements_to_check() -> None:
    assert len(QUERIES) > 50 and len(DDL) > 10


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_statement_parses(name: str) -> None:
    assert parse_errors(QUERIES[name]) == [], QUERIES[name]


@pytest.mark.parametrize("name", sorted(DDL))
def test_schema_statement_is_well_formed(name: str) -> None:
    assert ddl_errors(DDL[name]) == [], DDL[name]


def test_schema_applies_every_ddl_statement_once() -> None:
    assert sorted(schema.SCHEMA_STATEMENTS) == sorted(DDL.values())
    names = [re.search(r"(?:CONSTRAINT|INDEX) (\w+) IF", s).group(1) for s in DDL.values()]  # type: ignore[union-attr]
    assert len(names) == len(set(names))


def test_cypher_module_builds_statements_from_literals_only() -> None:
    tree = ast.parse((PACKAGE / "cypher.py").read_text())
    for node in ast.walk(tree):
        assert not isinstance(node, ast.JoinedStr), "f-string in cypher.py"
        if isinstance(node, ast.BinOp):
            assert isinstance(node.op, ast.Add)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            assert node.id.isupper() or node.id.startswith("_") or node.id == "Final", node.id


# ---------------------------------------------------------------- the store runs these constants, with their parameters
def _calls() -> list[tuple[str, ast.Call, str]]:
    """(file, call, runner) for every call of a statement-running helper in the package."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if name in RUNNERS:
                    found.append((path.name, node, name))
    return found


def _statement_arg(call: ast.Call, runner: str) -> ast.expr | None:
    """The argument holding the statement: first for methods and session.run, second for `run(tx, ...)` helpers."""
    is_helper = isinstance(call.func, ast.Name) and runner in ("run", "run_rows", "run_ids", "run_keys")
    index = 1 if is_helper else 0
    return call.args[index] if len(call.args) > index else None


def test_every_statement_run_is_a_named_constant_with_exactly_its_parameters() -> None:
    calls = _calls()
    assert len(calls) > 60
    used: set[str] = set()
    for file, call, runner in calls:
        arg = _statement_arg(call, runner)
        if file == "base.py" and isinstance(arg, ast.Name) and arg.id == "query":
            continue  # the helpers themselves pass their caller's constant on
        if file == "schema.py" and isinstance(arg, ast.Name) and arg.id == "statement":
            continue  # the loop over SCHEMA_STATEMENTS, checked above
        assert isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "cypher", (
            f"{file}:{call.lineno} runs something that is not a cypher constant"
        )
        assert arg.attr in CONSTANTS, f"{file}:{call.lineno}: no constant {arg.attr}"
        used.add(arg.attr)
        assert all(k.arg is not None for k in call.keywords), f"{file}:{call.lineno}: parameters passed with **"
        given = {k.arg for k in call.keywords if k.arg is not None}
        if RUNNERS[runner]:
            given.add(str(RUNNERS[runner]))
        wanted = set(PARAM.findall(CONSTANTS[arg.attr]))
        assert given == wanted, f"{file}:{call.lineno} {arg.attr}: passes {sorted(given)}, needs {sorted(wanted)}"
    unused = (set(QUERIES) | set(SHOW)) - used
    assert unused == set(), f"statements nothing runs: {sorted(unused)}"


# ---------------------------------------------------------------- Neo4j's own parser and semantic analysis
LINT_SCRIPT = Path(__file__).with_name("neo4j_lint.cjs")
#: Where `npm install @neo4j-cypher/language-support` put its node_modules folder (optional: the test is skipped
#: when neither this variable nor the repository's own node_modules provides it).
LINT_MODULES_ENV = "CYPHER_LANGUAGE_SUPPORT_MODULES"


def _neo4j_lint(statements: dict[str, str]) -> dict[str, list[str]]:
    """Neo4j's diagnostics per statement, or a skip when node or the language-support package is missing."""
    node = shutil.which("node")
    folders = [os.environ.get(LINT_MODULES_ENV, ""), str(PACKAGE.parents[2] / "node_modules")]
    modules = next((f for f in folders if f and (Path(f) / "@neo4j-cypher" / "language-support").is_dir()), None)
    if node is None or modules is None:
        pytest.skip(f"Neo4j's Cypher linter: needs node and @neo4j-cypher/language-support (set {LINT_MODULES_ENV})")
    done = subprocess.run(
        [node, str(LINT_SCRIPT)], input=json.dumps(statements), capture_output=True, text=True, check=True,
        env={**os.environ, "NODE_PATH": modules}, timeout=120,
    )  # fmt: skip
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_neo4j_semantic_analysis_accepts_every_statement_and_rejects_broken_ones() -> None:
    probes = {
        "scope": "MATCH (n) RETURN n.id AS id, count(*) AS c ORDER BY n.name",
        "unbound": "MATCH (n) RETURN m",
        "ddl": "CREATE CONSTRAINT x IF NOT EXISTS FOR (r:Record) REQUIRE r.id IS UNIQ",
    }
    versions = ("CYPHER 5", "CYPHER 25")
    statements = {**CONSTANTS, **probes}
    found = _neo4j_lint({f"{v}|{name}": f"{v} {text}" for v in versions for name, text in statements.items()})
    assert all(found[f"{v}|{name}"] for v in versions for name in probes), found
    assert {key: messages for key, messages in found.items() if messages and key.split("|")[1] in CONSTANTS} == {}
