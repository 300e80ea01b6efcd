#!/usr/bin/env bash
# Reruns the README's performance table on a fresh home: cold up, memory, the bench rows in the
# README's order, memory again, three warm starts. Every JSON envelope is kept in OUT_DIR.
#
#   npm run build && bash benchmarks/readme-table.sh [OUT_DIR]
#
# Env: ALPHINTRA_HOME (default /tmp/alp-table; purged first). Needs nothing else running on the
# platform's ports. Takes ~9 minutes on the project's 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

export ALPHINTRA_HOME="${ALPHINTRA_HOME:-/tmp/alp-table}"
OUT="${1:-bench-results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
# Bench users send every request as a handful of users: see benchmarks/README.md.
export RATE_LIMIT_MAX=100000000 RISK_DEFAULT_ORDER_RATE=1000000
cli() { node bin/run.js "$@"; }

echo "commit $(git rev-parse --short HEAD), home $ALPHINTRA_HOME, results in $OUT"
cli down --purge --json >/dev/null 2>&1 || true
cli up --detach --json >"$OUT/up-cold.json" 2>/dev/null
sleep 5
cli status --json >"$OUT/status-idle.json"

bench() {
  local name=$1
  shift
  echo "$(date -u +%H:%M:%S) bench $*"
  # A breached SLO exits 1; the envelope holds the numbers either way. Each invocation first
  # measures the machine itself (--calibrate), so tables from different days can be compared.
  cli bench "$@" --calibrate --json >"$OUT/$name.json" 2>"$OUT/$name.log" || true
}
bench gateway gateway --repeat 3
bench read read --repeat 3
bench orders-read orders-read --repeat 3
bench read-rate read --rate 1000 --duration 10 --repeat 3
bench order order --repeat 3
bench order-rate order --rate 250 --duration 15
cli status --json >"$OUT/status-after.json"

for i in 1 2 3; do
  cli down --json >/dev/null
  cli up --detach --json >"$OUT/up-warm-$i.json" 2>/dev/null
done
cli down --json >/dev/null
echo "$(date -u +%H:%M:%S) done: $OUT"
