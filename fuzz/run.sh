#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each; exits non-zero on a crash.
#
#   fuzz/run.sh 20                       CI: each target 20 s
#   fuzz/run.sh 3600 parse_responses     one target, longer
#
# Uses cargo-fuzz (libFuzzer, coverage-guided), installing it when missing. cargo-fuzz needs
# nightly compiler features; on the stable toolchain they are unlocked with RUSTC_BOOTSTRAP=1.
# FUZZ_ENGINE=random (or a machine where cargo-fuzz cannot build) runs the targets through the
# stable random loop in fuzz/tests/random_inputs.rs instead.
# The corpus lives in fuzz/corpus/<target> (not committed), seeded from
# fixtures/reference/*.json (parsers, validators) and fuzz/seeds/csv_users (CSV importer);
# crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-20}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(parse_responses validators csv_users)

for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  case "$t" in
    csv_users) cp -n seeds/csv_users/* "corpus/$t/" ;;
    *) cp -n ../fixtures/reference/*.json "corpus/$t/" ;;
  esac
done

random_loop() {
  local filter=""
  [ ${#TARGETS[@]} -eq 1 ] && filter="${TARGETS[0]}"
  FUZZ_SECONDS="$SECONDS_EACH" cargo test --release --no-default-features --test random_inputs -- --test-threads=1 --nocapture $filter
}

if [ "${FUZZ_ENGINE:-libfuzzer}" = random ]; then
  random_loop
  exit
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz || { echo "cargo-fuzz cannot be installed: falling back to the random loop" >&2; random_loop; exit; }
fi

export RUSTC_BOOTSTRAP=1
# Build once, to tell "cannot build here" (fall back) from a crash (fail).
if ! cargo fuzz build --release "${TARGETS[0]}" >&2; then
  echo "cargo fuzz cannot build here: falling back to the random loop" >&2
  random_loop
  exit
fi
for t in "${TARGETS[@]}"; do
  echo "━━ fuzz $t for ${SECONDS_EACH}s" >&2
  # -rss_limit_mb: deep/huge inputs are part of the game; -max_len: room for long fields.
  cargo fuzz run --release "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -max_len=262144 -rss_limit_mb=4096 -print_final_stats=1
done
