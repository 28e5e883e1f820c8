#!/usr/bin/env bash
# THE test command for drift: every suite the repository has, in one run.
#
#   tools/test-all.sh
#
# Runs cargo fmt/clippy/test over the workspace, the pnpm workspace (install,
# lint, typecheck, test), buildifier, the offline Bazel checker and its pytest
# suite. Each runner's own summary lines are parsed to count tests; a suite that
# ran 0 tests is a failure. The last line is `TOTAL: N passed, M failed`
# (non-test checks count as one test each). Installs pnpm (the version pinned in
# package.json), pytest and node_modules when missing.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CI="${CI:-}"
export CARGO_TERM_COLOR=never
export NO_COLOR=1
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/drift-test-all.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()
START=$SECONDS

note() { printf '\n=== %s\n' "$*"; }

record() { # name passed failed seconds status
  TOTAL_PASSED=$((TOTAL_PASSED + $2))
  TOTAL_FAILED=$((TOTAL_FAILED + $3))
  SUMMARY+=("$(printf '%-28s %6s passed %4s failed %5ss  %s' "$1" "$2" "$3" "$4" "$5")")
}

# check NAME CMD...: a non-test check (formatter, linter, type checker).
check() {
  local name="$1"; shift
  local t0=$SECONDS
  note "$name: $*"
  if "$@"; then
    record "$name" 1 0 $((SECONDS - t0)) ok
  else
    record "$name" 0 1 $((SECONDS - t0)) FAILED
  fi
}

# suite NAME PARSER CMD...: a test runner whose summary lines PARSER reads.
suite() {
  local name="$1" parser="$2"; shift 2
  local t0=$SECONDS log="$LOG_DIR/${name//[^a-zA-Z0-9]/_}.log"
  note "$name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local counts passed failed
  counts="$("$parser" "$log")"
  passed="${counts% *}"
  failed="${counts#* }"
  local status=ok
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the runner failed outside any test (build error, crash)
  fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
    status="FAILED: ran 0 tests"
  elif [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
    status="FAILED (exit $rc)"
  fi
  record "$name" "$passed" "$failed" $((SECONDS - t0)) "$status"
}

# --- summary-line parsers: print "PASSED FAILED" --------------------------------
parse_cargo() { # test result: ok. 12 passed; 0 failed; 0 ignored; ...
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
       END { print p + 0, f + 0 }' "$1"
}
parse_node() { # node:test TAP summary: "# pass 23" / "# fail 0" (one block per package)
  awk '/^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 } END { print p + 0, f + 0 }' "$1"
}
parse_pytest() { # "==== 3 failed, 33 passed in 4.8s ====" or "36 passed in 4.82s"
  awk '/ (passed|failed|error|errors)( |,|$)/ && / in [0-9.]+s/ {
         p = 0; f = 0
         for (i = 1; i <= NF; i++) {
           if ($(i+1) ~ /^passed/) p = $i
           if ($(i+1) ~ /^(failed|errors?)/) f += $i
         }
       } END { print p + 0, f + 0 }' "$1"
}

# --- tools --------------------------------------------------------------------
PNPM_VERSION="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
ensure_pnpm() {
  if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    note "installing pnpm@$PNPM_VERSION"
    npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" || return 1
    hash -r
  fi
  [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]
}
ensure_pytest() {
  python3 -m pytest --version >/dev/null 2>&1 ||
    python3 -m pip install --quiet --disable-pip-version-check 'pytest>=8,<10'
}

# --- Rust -----------------------------------------------------------------------
check "cargo fmt" cargo fmt --all --check
check "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
suite "cargo test" parse_cargo cargo test --workspace --no-fail-fast

# --- one release build of the addon and the CLI (what ships): the Node API
# tests load this addon, the npm packaging suite packs it, and the image suite
# puts target/release/drift in the image. Same package selection as
# tools/npm-pack/pack.mjs, so its own cargo build finds nothing to do.
release_addon() {
  cargo build --release -p drift-napi -p drift-cli || return 1
  local lib
  for lib in libdrift_napi.so libdrift_napi.dylib; do
    if [ -f "target/release/$lib" ]; then
      # Node loads native addons by the .node extension
      cp "target/release/$lib" "$LOG_DIR/drift.node" && export DRIFT_NATIVE_PATH="$LOG_DIR/drift.node"
      return
    fi
  done
  echo "no addon library in target/release" >&2
  return 1
}
check "cargo build --release" release_addon

# --- pnpm workspace ---------------------------------------------------------------
if check "pnpm (pinned $PNPM_VERSION)" ensure_pnpm; then
  check "pnpm install" pnpm install --frozen-lockfile --prefer-offline
  check "pnpm lint" pnpm run lint
  check "pnpm typecheck" pnpm -r --workspace-concurrency=1 run typecheck
  suite "pnpm test" parse_node pnpm -r --workspace-concurrency=1 run test
fi

# --- npm packaging: the release build above packed into tarballs, installed
# offline into a fresh project.
if [ -x "$(command -v pnpm)" ]; then
  suite "npm pack" parse_node pnpm --filter @driftcode/drift run test:pack
fi

# --- Bazel files (offline) ------------------------------------------------------------
bazel_files() {
  find . \( -name node_modules -o -name target -o -name .git -o -name 'bazel-*' \
    -o -path ./tools/bazel-check/tests/fixtures \) -prune -o \
    \( -name BUILD.bazel -o -name BUILD -o -name '*.bzl' -o -name MODULE.bazel -o -name '*.MODULE.bazel' \) \
    -print | sort
}
BUILDIFIER="$ROOT/node_modules/.bin/buildifier"
# shellcheck disable=SC2046
check "buildifier" "$BUILDIFIER" --mode=check --lint=warn $(bazel_files)
check "bazel-check" python3 tools/bazel-check/run.py
if check "pytest (install)" ensure_pytest; then
  suite "bazel-check pytest" parse_pytest python3 -m pytest -q --color=no -p no:cacheprovider tools/bazel-check/tests
fi

# --- release tooling, workflows and the OCI image (tools/release, tools/oci-image) ---
# The image suite uses target/release/drift when present (else builds it once),
# and installs umoci/skopeo/runc/oci-image-tool/docker-registry with apt if missing.
ensure_pyyaml() {
  python3 -c 'import yaml' 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check 'pyyaml>=6,<7'
}
if python3 -m pytest --version >/dev/null 2>&1 && check "pyyaml (install)" ensure_pyyaml; then
  suite "release+workflows pytest" parse_pytest python3 -m pytest -q --color=no -p no:cacheprovider tools/release/tests
  suite "oci-image pytest" parse_pytest python3 -m pytest -q --color=no -p no:cacheprovider tools/oci-image/tests
fi

# --- summary ------------------------------------------------------------------------
printf '\n=== summary (%ss)\n' $((SECONDS - START))
printf '%s\n' "${SUMMARY[@]}"
status=0
[ "$TOTAL_FAILED" -eq 0 ] || status=1
echo "TOTAL: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit "$status"
