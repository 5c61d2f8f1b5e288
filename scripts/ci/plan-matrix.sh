#!/usr/bin/env bash
# The "plan" job: the matrices of the e2e workflow, from the two settings at its top. Each Node
# version runs the suite as SUITE_SHARDS shards side by side (npx cucumber-js --shard i/n), and
# one merge job per Node version makes them one run (npm run report:merge). The test jobs, the
# shards and the merges all take their Node versions from here, so none can be left out of one.
#
# Environment (the workflow sets these):
#   SUITE_SHARDS    shards per Node version: a whole number from 1 to 20
#   NODE_VERSIONS   the Node.js major versions, a JSON list: [22, 24, 26]
#   NVMRC           the file naming the Node version whose merged run annotates the pull
#                   request (.nvmrc by default): it must be one of NODE_VERSIONS
#   GITHUB_OUTPUT   where the outputs go:
#                   nodes=[22,24,26] shards=[1,2,3] shard-total=3 annotate-node=24
set -euo pipefail

max_shards=20

invalid() {
  echo "::error title=plan::$1"
  exit 1
}

total=${SUITE_SHARDS:-}
if ! [[ "$total" =~ ^[0-9]+$ ]] || ((total < 1 || total > max_shards)); then
  invalid "SUITE_SHARDS=$total: expected a whole number of shards from 1 to $max_shards"
fi

is_list_of_majors='type == "array" and length > 0 and all(.[]; type == "number" and . == floor and . > 0)'
nodes=$(jq -c "if $is_list_of_majors then . else error(\"\") end" <<<"${NODE_VERSIONS:-}" 2>/dev/null) && [[ -n "$nodes" ]] ||
  invalid "NODE_VERSIONS=${NODE_VERSIONS:-}: expected a JSON list of Node.js major versions, such as [22, 24, 26]"

nvmrc=${NVMRC:-.nvmrc}
[[ -f "$nvmrc" ]] || invalid "$nvmrc not found: it names the Node version whose merged run annotates the pull request"
annotate=$(tr -d '[:space:]v' <"$nvmrc")
annotate=${annotate%%.*}
jq -e --arg n "$annotate" 'any(.[]; tostring == $n)' <<<"$nodes" >/dev/null ||
  invalid "$nvmrc names Node $annotate, which NODE_VERSIONS=$nodes leaves out: its merged run annotates the pull request"

shards=$(jq -cn --argjson n "$total" '[range(1; $n + 1)]')
{
  echo "nodes=$nodes"
  echo "shards=$shards"
  echo "shard-total=$total"
  echo "annotate-node=$annotate"
} >>"$GITHUB_OUTPUT"
echo "Node $nodes, each as $total shard(s) ($(($(jq length <<<"$nodes") * total)) e2e jobs) merged per Node version; Node $annotate's merged run annotates the pull request"
