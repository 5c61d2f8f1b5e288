#!/usr/bin/env bash
# The comment job: one comment per pull request carrying every Node version's summary.md,
# created once and then edited by later runs (found by a marker). The first Node version is
# shown in full, the others folded: they rarely differ.
#
# Tokens that cannot write comments get no comment and no red job: a pull request from a fork
# and one opened by Dependabot run with a read-only token whatever the workflow asks for, and
# any other refusal (HTTP 403) is reported the same way. The job summary of each e2e leg and
# the artifacts carry the same text.
#
# Usage: bash scripts/ci/pr-comment.sh DIR, where DIR holds the downloaded e2e-reports-node*
# artifacts. Environment: GITHUB_REPOSITORY, GH_TOKEN, PR_NUMBER, PR_HEAD_REPO (owner/name of
# the head branch's repository), GITHUB_ACTOR, RUN_URL (this run's page).
set -euo pipefail

reports=${1:?usage: pr-comment.sh DIR-with-the-e2e-reports-node*-artifacts}
marker='<!-- ticket-rush-e2e-summary -->'
# GitHub refuses comments over 65,536 characters.
limit=65000

no_comment() {
  echo "::notice title=No PR comment::$1; the summary is in each e2e job's summary and in the e2e-reports-node* artifacts"
  exit 0
}

if [[ "$PR_HEAD_REPO" != "$GITHUB_REPOSITORY" ]]; then
  no_comment "pull request from the fork $PR_HEAD_REPO: its token is read-only"
fi
if [[ "$GITHUB_ACTOR" == "dependabot[bot]" ]]; then
  no_comment "pull request run by Dependabot: its token is read-only"
fi

body=$(mktemp)
{
  echo "$marker"
  echo
  first=1
  found=0
  for dir in $(find "$reports" -mindepth 1 -maxdepth 1 -type d -name 'e2e-reports-node*' 2>/dev/null | sort -V); do
    found=1
    node=${dir##*/e2e-reports-}
    if [[ -f "$dir/summary.md" ]]; then text=$(cat "$dir/summary.md"); else text="No summary: the $node run ended before writing one."; fi
    if ((first)); then
      printf '**%s**\n\n%s\n\n' "$node" "$text"
      first=0
    else
      printf '<details><summary>%s</summary>\n\n%s\n</details>\n\n' "$node" "$text"
    fi
  done
  ((found)) || printf 'No summary: no e2e job uploaded its reports.\n\n'
  echo "Reports (HTML with the Trends view, JUnit, messages, service and container logs): artifacts of [this run]($RUN_URL)."
} >"$body"
if (($(wc -m <"$body") > limit)); then
  text=$(cat "$body")
  truncated=$(mktemp)
  printf '%s\n\n… truncated; the full summary is in the job summary.\n' "${text:0:limit}" >"$truncated"
  body=$truncated
fi

errors=$(mktemp)
refused() {
  if grep -q 'HTTP 403' "$errors"; then no_comment "the token may not write here: $(head -c 200 "$errors")"; fi
  echo "::error title=PR comment::$1: $(head -c 500 "$errors")"
  exit 1
}

# Ours is the bot comment carrying the marker; listed oldest first, so the first one is kept.
select_ours='.[] | select(.user.type == "Bot" and ((.body // "") | contains("'"$marker"'"))) | .id'
ids=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" --jq "$select_ours" 2>"$errors") ||
  refused "listing the pull request's comments failed"
existing=$(head -n 1 <<<"$ids")
if [[ -n "$existing" ]]; then
  gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" >/dev/null 2>"$errors" ||
    refused "updating comment $existing failed"
  echo "updated the summary comment $existing"
else
  gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body" >/dev/null 2>"$errors" ||
    refused "creating the summary comment failed"
  echo "created the summary comment"
fi
