#!/usr/bin/env bash
# The "e2e gate" job: the one check a ruleset requires, whatever the matrix holds. It is green
# only when every job it needs ended in success: the tests of every Node version (checks),
# every shard (e2e) and every Node version's merged run (merge), whose exit code is the merged
# gate's verdict. It runs with `if: always()`: a job skipped because another failed would count
# as passed for a required check. A matrix job's result is "success" only when every leg
# succeeded; a failed, cancelled or skipped leg (or the whole job skipped) fails the gate.
#
# Environment: NEEDS, the workflow's `toJSON(needs)`: {"merge": {"result": "success", ...}, ...}.
set -euo pipefail

results=$(jq -r 'to_entries[] | "\(.key) \(.value.result // "missing")"' <<<"${NEEDS:?NEEDS must be the toJSON(needs) of the gate job}")
[[ -n "$results" ]] || {
  echo "::error title=e2e gate::no needed jobs: the gate has nothing to vouch for"
  exit 1
}
failed=0
while read -r job result; do
  if [[ "$result" == success ]]; then
    echo "$job: success"
  else
    echo "::error title=e2e gate::$job: $result (every leg must succeed)"
    failed=1
  fi
done <<<"$results"
exit "$failed"
