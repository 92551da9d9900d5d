#!/usr/bin/env bash
# A real collection's alert rules checked against its own runbook pages
# (`runbook check --rules`): alerts read, with a page, without, broken
# links, reports by kind, and the time the check takes.
#
# Made for srerun/prometheus-alerts (commit 78649c3: rules/ holds 81 rule
# files whose alerts carry `runbook:` annotations to the project's Hugo
# site, content/runbooks its pages), which carries no licence: nothing of
# it is kept in this repository, and this script fetches nothing. Bring a
# checkout (or an export of its rules/ and content/runbooks) and pass it:
#
#   bench/rules.sh CHECKOUT [RUNS]
#
# The pages are checked as published under BASE_URL (default the
# collection's own: https://srerun.github.io/prometheus-alerts/runbooks/).
# RUNS checks are timed (default 3; the median and each run are printed).
# Uses target/release/runbook, built if missing.
set -euo pipefail

base_url="${BASE_URL:-https://srerun.github.io/prometheus-alerts/runbooks/}"
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
checkout_and_runs rules.sh "$@"

content="$(collection_content "$checkout")"
rules="$checkout/rules"
if [[ ! -d "$rules" ]]; then
    echo "$rules: no such folder" >&2
    exit 1
fi
release_binaries
scratch rules

times=()
rules_ms=()
for ((i = 1; i <= runs; i++)); do
    start=$(date +%s.%N)
    # Fails when anything is wrong: that is the figure, not an error here.
    RUNBOOK_LOG=runbook::build=debug "$runbook" check "$content" --rules "$rules" \
        --base-url "$base_url" >"$work/stdout" 2>"$work/stderr" || true
    end=$(date +%s.%N)
    times+=("$(elapsed "$start" "$end")")
    # The rules stage alone (read the files); the rest is the site's check.
    rules_ms+=("$(stage_ms rules "$work/stderr" || true)")
done

summary="$(grep '^Rules: ' "$work/stdout" || true)"
if [[ -z "$summary" ]]; then
    echo "no summary; the check stopped:" >&2
    cat "$work/stdout" "$work/stderr" >&2
    exit 1
fi
figure() { sed -E "s/.*[^0-9]([0-9]+) $1.*/\\1/" <<<"$summary"; }

echo "collection: $content"
echo "rules:      $rules ($(find "$rules" -type f \( -name '*.yml' -o -name '*.yaml' \) | wc -l) files)"
echo "base URL:   $base_url"
echo "runbook:    $("$runbook" --version)"
echo "pages:      $(head -n 1 "$work/stdout")"
echo "$summary"
echo
echo "alerts read:         $(sed -E 's/^Rules: ([0-9]+) alerts read.*/\1/' <<<"$summary")"
echo "with a page:         $(figure 'with a page')"
echo "without a page:      $(figure 'without')"
echo "broken links:        $(figure 'broken links')"
times_line 'check time:         ' "${times[@]}"
printf 'of which rules read: median %.1f ms\n' "$(middle "${rules_ms[@]}")"

echo
echo "rule reports by kind:"
# A report's first line is `FILE:LINE:COL: warning: MESSAGE`; the kind is
# the message with its quoted parts taken out. Only reports on rule files
# and on pages' alerts and severities are counted here (bench/real.sh
# counts the pages' own warnings).
grep -a -o 'warning: .*' "$work/stderr" \
    | sed -E 's/^warning: //; s/`[^`]*`/`…`/g' \
    | grep -E 'alert|runbook|rule|Jsonnet|YAML|severity' \
    | sort | uniq -c | sort -rn || echo "      0"
