#!/usr/bin/env bash
# What one grammar costs: a page of PromQL against a page of shell, both
# made of the fenced blocks content/ holds (repeated to the same size),
# built RUNS times each; the build's render stage (highlighting is most of
# it) is read from RUNBOOK_LOG=runbook::build=debug.
#
# Usage: bench/highlight.sh [KB] [RUNS]   (defaults: 200 KB of code, 5 runs)
# Uses target/release/runbook, built if missing.
set -euo pipefail

kb="${1:-200}"
runs="${2:-5}"
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
release_binaries
scratch highlight

# One page per language: content/'s blocks of that language, repeated
# until the page holds KB kilobytes of code.
python3 - "$root/content" "$work" "$kb" <<'PY'
import pathlib, re, sys
content, work, kb = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
fence = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
for lang in ("promql", "bash"):
    blocks = [m.group(2) for f in sorted(content.glob("*.md"))
              for m in fence.finditer(f.read_text(encoding="utf-8")) if m.group(1) == lang]
    page, size, i = ["# " + lang + "\n"], 0, 0
    while size < kb * 1024:
        block = blocks[i % len(blocks)]
        page.append(f"\n```{lang}\n{block}```\n")
        size += len(block)
        i += 1
    site = work / lang
    site.mkdir()
    (site / "runbook.yaml").write_text("search: false\n")
    (site / "README.md").write_text("".join(page))
    print(f"{lang}: {len(blocks)} distinct blocks in content/, {i} on the page, {size // 1024} KB")
PY

for lang in promql bash; do
    times=()
    for ((i = 1; i <= runs; i++)); do
        RUNBOOK_LOG=runbook::build=debug "$runbook" build "$work/$lang" --out "$work/$lang-site" \
            2>"$work/log" >/dev/null
        times+=("$(stage_ms render "$work/log")")
    done
    median="$(middle "${times[@]}")"
    printf '%-7s render stage: median %.1f ms for %d KB (%.2f ms per KB) over %d runs\n' \
        "$lang" "$median" "$kb" "$(awk -v m="$median" -v k="$kb" 'BEGIN { print m / k }')" "$runs"
done
