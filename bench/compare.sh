#!/usr/bin/env bash
# Two runbook binaries side by side on the same generated corpus: before
# and after a change. Builds alternate (A, B, A, B, …) so that the load of
# a shared machine falls on both alike; prints the median wall time, the
# peak memory and the output size of each, and whether the two sites are
# the same files (but for the `?v=` asset version stamp and wasm modules).
#
# Usage: bench/compare.sh OLD_RUNBOOK NEW_RUNBOOK [PAGES...]  (default 1000 10000)
#   RUNS=5 builds per binary and size.
# Needs: GNU time (/usr/bin/time), a release runbook-bench (built if missing).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: bench/compare.sh OLD_RUNBOOK NEW_RUNBOOK [PAGES...]" >&2
    exit 2
fi
old="$(realpath "$1")"
new="$(realpath "$2")"
shift 2
sizes=("${@:-1000}")
[[ $# -gt 0 ]] || sizes=(1000 10000)
runs="${RUNS:-5}"
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
release_binaries runbook-bench
scratch compare

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-7s %-4s %9s %11s %9s\n' pages bin "wall s" "peak MiB" "out MB"
for pages in "${sizes[@]}"; do
    "$bench" corpus --pages "$pages" --out "$work/corpus" >/dev/null
    declare -A walls=() peaks=()
    for ((i = 1; i <= runs; i++)); do
        for bin in old new; do
            exe="$old"; [[ $bin == new ]] && exe="$new"
            rm -rf "$work/site-$bin"
            start=$(date +%s.%N)
            /usr/bin/time -f %M -o "$work/rss" "$exe" build "$work/corpus" --out "$work/site-$bin" >/dev/null 2>&1
            end=$(date +%s.%N)
            walls[$bin]+="$(echo "$end - $start" | bc) "
            peaks[$bin]+="$(cat "$work/rss") "
        done
    done
    for bin in old new; do
        wall=$(tr ' ' '\n' <<<"${walls[$bin]}" | grep . | median)
        peak=$(tr ' ' '\n' <<<"${peaks[$bin]}" | grep . | median)
        size=$(du -sb "$work/site-$bin" | cut -f1)
        printf '%-7s %-4s %9.3f %11.0f %9.1f\n' "$pages" "$bin" "$wall" "$(echo "$peak / 1024" | bc -l)" "$(echo "$size / 1000000" | bc -l)"
    done
    # The asset version stamp is a hash of the assets: drop it, then compare.
    find "$work/site-old" "$work/site-new" -name '*.html' -exec sed -i -E 's/\?v=[0-9a-f]{8,16}//g' {} +
    if diff -r -q -x '*.wasm' "$work/site-old" "$work/site-new" >"$work/diff"; then
        echo "$pages pages: the same files, the same bytes (but for asset versions and wasm modules)"
    else
        echo "$pages pages: the sites differ in $(wc -l <"$work/diff") files, e.g.:"
        head -5 "$work/diff"
    fi
    rm -rf "$work/corpus" "$work/site-old" "$work/site-new"
    unset walls peaks
done
