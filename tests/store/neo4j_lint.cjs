// Lints Cypher statements with Neo4j's own parser and semantic analysis (@neo4j-cypher/language-support).
// stdin: {"NAME": "statement", ...}; stdout: {"NAME": ["message", ...], ...} (unknown-parameter notes left out:
// the statements' parameters are supplied at run time, not declared in a schema).
const { lintCypherQuery } = require('@neo4j-cypher/language-support');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const undeclaredParameter = /^Parameter \$\w+ is not defined\.$/;
const out = {};
for (const [name, statement] of Object.entries(input)) {
  const { diagnostics } = lintCypherQuery(statement, {});
  out[name] = diagnostics.filter((d) => !undeclaredParameter.test(d.message)).map((d) => d.message);
}
process.stdout.write(JSON.stringify(out));
