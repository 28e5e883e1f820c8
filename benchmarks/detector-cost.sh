#!/usr/bin/env bash
# What each detector costs, in instructions (valgrind's cachegrind), on a
# list of files: parse only, extraction without detectors, the builtin
# pack, then each rule file alone. Counts, unlike times, do not drift with
# the machine's speed. Needs valgrind (`apt install valgrind`).
#
#   benchmarks/detector-cost.sh <file-list> [rule.toml...]
#
# <file-list> holds one source path per line, e.g. every fifth Python file
# of a Django sdist:
#   find /tmp/corpus/Django-5.1.4 -name '*.py' | sort | awk 'NR%5==0' > /tmp/files.txt
# Without rule files, every builtin rule file is measured alone.
set -euo pipefail
shopt -s inherit_errexit

if [[ $# -lt 1 || ! -f "$1" ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind not found: apt install valgrind" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="$(realpath "$1")"
shift
cd "$here/.."
cargo build --release -q -p drift-bench --bin detector_cost
bin="target/release/detector_cost"
empty="$(mktemp)"
trap 'rm -f "$empty"' EXIT
if [[ $# -eq 0 ]]; then
  set -- rust/drift-core/rules/builtin/*/*.toml
fi

# Instructions of one run; a run that fails stops the script with its output.
count() {
  local out n
  out="$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" "$@" 2>&1)" || {
    echo "detector_cost $* failed:" >&2
    echo "$out" >&2
    exit 1
  }
  n="$(sed -n 's/.*I *refs: *//p' <<<"$out" | tr -d ,)"
  [[ -n "$n" ]] || { echo "no instruction count in valgrind's output:" >&2; echo "$out" >&2; exit 1; }
  echo "$n"
}
# Instructions of a pass on the list, less its setup (the same run on no files).
cost() {
  local with without
  with=$(count "$list" "$@")
  without=$(count "$empty" "$@")
  echo $((with - without))
}
# Instructions of rules on the list, less the same run without them (which
# loads them, so both start from the same allocator state).
rules() {
  local with without
  with=$(count "$list" "$@")
  without=$(count "$list" "$@" --unused)
  echo $((with - without))
}

parse=$(cost parse)
none=$(cost none)
builtin=$(rules builtin)
mega() { awk -v n="$1" 'BEGIN { printf "%9.1f M", n / 1e6 }'; }
pct() { awk -v n="$1" -v p="$parse" 'BEGIN { printf "%6.1f %%", 100 * n / p }'; }
echo "instructions on $(grep -c . "$list") files; % of the parse"
echo "parse only                 $(mega "$parse")"
echo "extraction, no detectors  +$(mega $((none - parse)))  $(pct $((none - parse)))"
echo "builtin detectors         +$(mega "$builtin")  $(pct "$builtin")"
echo "each rule file alone, over the same run with it loaded but unused:"
for rule in "$@"; do
  c=$(rules "$rule")
  printf '  %s  %s  %s\n' "$(mega "$c")" "$(pct "$c")" "$rule"
done | sort -rn
