#!/usr/bin/env bash
# casepress against what users run instead: the typst command-line tool,
# once per document under `xargs -P N`, on the very same generated sources.
# The typst CLI is installed for this comparison only; it is not a
# dependency of casepress.
#
#   bash benches/compare.sh [CASES [JOBS]]     (default 60 cases, one job per core)
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-60}
jobs=${2:-$(nproc)}

typst=${TYPST:-}
if [ -z "$typst" ]; then
  if [ -x target/typst-cli/bin/typst ]; then
    typst=target/typst-cli/bin/typst
  elif command -v typst >/dev/null 2>&1; then
    typst=$(command -v typst)
  else
    echo "installing typst-cli 0.15.1 into target/typst-cli (for this comparison only)" >&2
    cargo install typst-cli --version 0.15.1 --locked --root target/typst-cli >&2
    typst=target/typst-cli/bin/typst
  fi
fi

cargo build --release --quiet --bin casepress --example synthetic-cases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/synthetic-cases "$cases" > "$work/cases.ndjson"

# The generated Typst sources of every document (not timed).
target/release/casepress render "$work/cases.ndjson" --out "$work/gen" --typst-dir "$work/typ" \
  --date 2026-11-23 --json > /dev/null
find "$work/typ" -name '*.typ' ! -name layout.typ | sort > "$work/list"
docs=$(wc -l < "$work/list")

now() { python3 -c 'import time; print(time.monotonic())'; }

# casepress: load, rules, templates, typeset, atomic writes, case logs.
start=$(now)
target/release/casepress render "$work/cases.ndjson" --out "$work/out" --date 2026-11-23 \
  --jobs "$jobs" --json > /dev/null
end=$(now)
ours=$(python3 -c "print($end - $start)")

# typst CLI: one process per document, the same fonts and standards as casepress.
start=$(now)
xargs -P "$jobs" -I{} "$typst" compile --root "$work/typ" --font-path fonts \
  --ignore-system-fonts --ignore-embedded-fonts --pdf-standard a-2a,ua-1 --features a11y-extras \
  --creation-timestamp 1795392000 {} < "$work/list"
end=$(now)
theirs=$(python3 -c "print($end - $start)")

python3 - "$docs" "$jobs" "$ours" "$theirs" <<'PY'
import sys
docs, jobs, ours, theirs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"documents: {docs}, jobs: {jobs}")
print(f"casepress render: {docs / ours:.1f} documents/s ({ours:.2f} s)")
print(f"typst compile per document, xargs -P {jobs}: {docs / theirs:.1f} documents/s ({theirs:.2f} s)")
print(f"ratio-vs-typst-cli: {theirs / ours:.2f}")
PY
