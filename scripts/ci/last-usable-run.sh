#!/usr/bin/env bash
# The merge job's "previous run" step: finds the newest usable e2e run of the branch this run is
# compared with -- the run of the pull request's (or merge group's) base commit if there is
# one -- downloads this Node version's merged reports artifact from it, points the baseline at
# its results.json (E2E_BASELINE, through $GITHUB_ENV) and carries its reports/history/ forward
# into this run.
#
# Usable: completed with success or failure (a cancelled run has no reliable results), and its
# artifact holds a results.json. Anything else -- the workflow not yet on the default branch
# (`gh run list --workflow` answers 404 on the pull request that adds it), no run yet, only
# cancelled runs, an expired artifact, an API error, a read-only token -- only means there is
# no baseline from CI: the suite then compares with the committed reports/baseline.json and the
# history starts with this run. So this step never fails the job: it exits 0 whatever gh says.
#
# Environment (the workflow sets these):
#   GITHUB_REPOSITORY  owner/name                        GH_TOKEN     token with actions: read
#   BRANCH             base branch: the PR's base ref, the merge group's (refs/heads/main), or
#                      the branch pushed to
#   PREFERRED_SHA      the PR's or merge group's base commit, or the commit before the push (may be empty)
#   ARTIFACT           e2e-reports-node<N>               WORKFLOW     e2e.yml (default)
#   RUNNER_TEMP        where the artifact is unpacked    GITHUB_ENV   where E2E_BASELINE goes
#   HISTORY_DIR        reports/history (default)
set -euo pipefail

workflow=${WORKFLOW:-e2e.yml}
history_dir=${HISTORY_DIR:-reports/history}
# Each try downloads a whole artifact; a handful of older runs is enough to find a usable one.
max_tries=5

fallback() {
  echo "no baseline from CI: $1"
  echo "comparing with the committed reports/baseline.json; the history starts with this run"
  exit 0
}

[[ -n "${BRANCH:-}" ]] || fallback "no base branch given"
# A merge group names its base as a full ref.
BRANCH=${BRANCH#refs/heads/}
sha=${PREFERRED_SHA:-}
[[ "$sha" =~ ^[0-9a-f]{40}$ ]] || sha=""

# Completed runs that got as far as a result, the preferred commit's first, then newest first.
query='[.[] | select(.status == "completed" and (.conclusion == "success" or .conclusion == "failure"))]'
query+=" | (map(select(.headSha == \"$sha\")) + map(select(.headSha != \"$sha\")))"
query+=" | .[:$max_tries] | .[] | \"\\(.databaseId) \\(.headSha) \\(.conclusion)\""

errors=$(mktemp)
if ! candidates=$(gh run list --repo "$GITHUB_REPOSITORY" --workflow "$workflow" --branch "$BRANCH" --event push \
  --limit 50 --json databaseId,headSha,status,conclusion --jq "$query" 2>"$errors"); then
  if grep -q 'HTTP 404' "$errors"; then
    fallback "$workflow has no runs on $BRANCH yet (the workflow is not on the default branch before this pull request lands)"
  fi
  fallback "listing the runs of $workflow on $BRANCH failed: $(head -c 300 "$errors")"
fi
[[ -n "$candidates" ]] || fallback "no completed (successful or failed) run of $workflow on $BRANCH"

while read -r id head conclusion; do
  dir="$RUNNER_TEMP/last-run/$id"
  if ! gh run download "$id" --repo "$GITHUB_REPOSITORY" --name "$ARTIFACT" --dir "$dir" 2>"$errors"; then
    echo "run $id ($head, $conclusion): no artifact $ARTIFACT to download ($(head -c 200 "$errors")); trying an older run"
    continue
  fi
  if [[ ! -f "$dir/results.json" ]]; then
    echo "run $id ($head, $conclusion): its $ARTIFACT holds no results.json (the suite did not finish); trying an older run"
    continue
  fi
  echo "E2E_BASELINE=$dir/results.json" >>"$GITHUB_ENV"
  which="the newest usable run on $BRANCH"
  [[ "$head" == "$sha" ]] && which="the run of the base commit"
  echo "baseline: results.json of run $id ($which, commit $head, $conclusion)"
  if compgen -G "$dir/history/*.json" >/dev/null; then
    mkdir -p "$history_dir"
    cp "$dir"/history/*.json "$history_dir"/
    echo "history: $(find "$dir/history" -name '*.json' | wc -l) earlier run(s) carried forward from run $id"
  else
    echo "history: run $id kept none; it starts with this run"
  fi
  exit 0
done <<<"$candidates"

fallback "none of the last $(wc -l <<<"$candidates") completed run(s) on $BRANCH left a usable $ARTIFACT"
