#!/usr/bin/env bash
# The embedded default end to end: no DATABASE_URL, no REDIS_URL. `up --detach` must bring
# every service to ready, `status --json` must say so, the e2e suite must pass on it (all but
# the tests that stop services, which the integration layer runs), and `down` must stop
# everything.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL
export ALPHINTRA_HOME
ALPHINTRA_HOME="$(mktemp -d /tmp/alphintra-smoke.XXXXXX)"
export ALPHINTRA_PORT_BASE="${ALPHINTRA_PORT_BASE:-7400}"
STATUS_FILE="$(mktemp /tmp/alphintra-smoke-status.XXXXXX)"
cleanup() { node bin/run.js down --purge >/dev/null 2>&1 || true; rm -rf "$ALPHINTRA_HOME" "$STATUS_FILE"; }
trap cleanup EXIT

node bin/run.js up --detach
node bin/run.js status --json > "$STATUS_FILE"
node -e '
const env = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const services = env.data.services;
const notReady = services.filter((s) => !s.ready).map((s) => s.name);
if (!env.ok || services.length !== 10 || notReady.length > 0) {
  console.error("smoke failed:", JSON.stringify(env, null, 2));
  process.exit(1);
}
console.log(`smoke: ${services.length} services ready`);
' "$STATUS_FILE"
node bin/run.js e2e --no-disruptive
node bin/run.js down
