#!/usr/bin/env bash
# A real public runbook collection, built as it is: pages built, warnings
# by kind, fenced blocks highlighted by language, and build time.
#
# Made for srerun/prometheus-alerts (commit 78649c3: content/runbooks,
# about 1,100 Hugo pages), which carries no licence: nothing of it is kept
# in this repository, and this script fetches nothing. Bring a checkout
# (or an export of its content/runbooks) and pass its path:
#
#   bench/real.sh CHECKOUT [RUNS]
#
# CHECKOUT is the repository's root (content/runbooks is built) or any
# folder of Markdown. RUNS builds are timed (default 3; the median and
# each run are printed). Uses target/release/runbook, built if missing.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
checkout_and_runs real.sh "$@"

content="$(collection_content "$checkout")"
release_binaries
scratch real

times=()
for ((i = 1; i <= runs; i++)); do
    start=$(date +%s.%N)
    "$runbook" build "$content" --out "$work/site" >"$work/stdout" 2>"$work/stderr"
    end=$(date +%s.%N)
    times+=("$(elapsed "$start" "$end")")
done

echo "collection: $content"
echo "runbook:    $("$runbook" --version)"
echo "summary:    $(tail -n 1 "$work/stdout")"
times_line 'build time:' "${times[@]}"

echo
echo "warnings by kind:"
# A warning's first line is `FILE:LINE:COL: warning: MESSAGE`; the kind is
# the message with its quoted parts and numbers taken out.
grep -o 'warning: .*' "$work/stderr" \
    | sed -E 's/^warning: //; s/`[^`]*`/`…`/g; s/\([0-9]+ [^)]*\)//; s/[0-9]+/N/g' \
    | sort | uniq -c | sort -rn || echo "      0"

echo
echo "fenced blocks by language (highlighted / tagged):"
python3 - "$work/site" <<'PY'
import pathlib, re, sys
site = pathlib.Path(sys.argv[1])
block = re.compile(r'<div class="code" data-lang="([^"]*)">.*?<pre class="hl">(.*?)</pre>', re.S)
counts = {}
for page in site.rglob("*.html"):
    for lang, pre in block.findall(page.read_text(encoding="utf-8")):
        seen, lit = counts.get(lang, (0, 0))
        counts[lang] = (seen + 1, lit + ('class="hl-' in pre))
tagged = sum(n for lang, (n, _) in counts.items() if lang)
lit = sum(h for lang, (_, h) in counts.items() if lang)
for lang, (n, h) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
    print(f"  {lang or '(untagged)':<14} {h:>5} / {n:<5}")
share = 100.0 * lit / tagged if tagged else 100.0
print(f"  language-tagged blocks highlighted: {lit} / {tagged} ({share:.1f}%)")
PY
