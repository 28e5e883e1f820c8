#!/usr/bin/env bash
# Scan benchmark: full scan vs no-op rescan vs a bare parallel tree-sitter
# parse of the same files, from one run (release build).
#
#   benchmarks/scan-bench.sh <path-to-large-repo> [--threads N]
#
# Get a real corpus from a registry; never commit it. For example:
#   pip download --no-binary :all: --no-deps django==5.1.4 -d /tmp/corpus-dl
#   mkdir -p /tmp/corpus && tar xzf /tmp/corpus-dl/Django-5.1.4.tar.gz -C /tmp/corpus
#   benchmarks/scan-bench.sh /tmp/corpus/Django-5.1.4
# or `npm pack typescript@5` / a `.crate` from ~/.cargo/registry/cache.
#
# The index is written to a temporary directory, not into the corpus
# (set DRIFT_BENCH_KEEP=1 to keep it). Set PROFILE=dev for a debug build.
set -euo pipefail

if [[ $# -lt 1 || ! -d "$1" ]]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
profile="${PROFILE:-release}"
cd "$here/.."
if [[ "$profile" == "release" ]]; then
  cargo build --release -q -p drift-bench --bin scan_bench
  bin="target/release/scan_bench"
else
  cargo build -q -p drift-bench --bin scan_bench
  bin="target/debug/scan_bench"
fi
"$bin" "$@"
