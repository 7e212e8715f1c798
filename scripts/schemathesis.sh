#!/usr/bin/env bash
# Fuzzes the running server against its own OpenAPI document with schemathesis (PyPI): a fresh
# SQLite database seeded by `lifeline demo` (four stories and a 60-customer portfolio: cases,
# actions, attempts), `lifeline serve` on a free loopback port with an admin token, then
# `st run` with every check, bounded in examples and time. It fails on any 5xx and on any
# answer that does not match the document. `.ci/run` calls it after `swift test`.
#
#   scripts/schemathesis.sh                    # after `swift build`
#   ST_MAX_EXAMPLES=50 scripts/schemathesis.sh # more examples per operation
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-25}
TIME_LIMIT=${ST_TIME_LIMIT:-900}
VENV=${ST_VENV:-.build/schemathesis-venv}
BIN=${LIFELINE_BIN:-.build/debug/lifeline}

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x "$BIN" ] || swift build --product lifeline

WORK=$(mktemp -d /tmp/lifeline-schemathesis.XXXXXX)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A free TCP port on 127.0.0.1.
port=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 1; }

echo "seeding $WORK/lifeline.sqlite with lifeline demo"
"$BIN" demo --database "$WORK/lifeline.sqlite" > "$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }

TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export ADMIN_TOKENS="$TOKEN"
export STORAGE_PATH="$WORK/lifeline.sqlite"
export HTTP_HOST=127.0.0.1 HTTP_PORT="$port"
export PROVIDERS_STRIPE_SECRETS=whsec_schemathesis_stripe
export PROVIDERS_GOCARDLESS_SECRETS=schemathesis_gocardless
export PROVIDERS_STANDARD_SECRETS="whsec_$(printf 'schemathesis-standard-key-32b!!!' | base64)"
# A partner, so /webhooks/partner/{name} has one to check signatures for; its URL is a closed
# loopback port: offers the dispatcher sends fail and are retried, nothing leaves the machine.
export PARTNERS_NAMES=sandbox PARTNERS_SANDBOX_URL="http://127.0.0.1:9" \
    PARTNERS_SANDBOX_SECRET="whsec_$(printf 'schemathesis-partner-key-32b!!!!' | base64)"
"$BIN" serve --config config/lifeline.yaml > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }

echo "schemathesis $SCHEMATHESIS_VERSION against 127.0.0.1:$port: --checks all, --max-examples $MAX_EXAMPLES, at most ${TIME_LIMIT}s"
status=0
timeout --kill-after=10 "$TIME_LIMIT" "$VENV/bin/st" --config-file scripts/schemathesis.toml run \
    "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed 20261207 \
    --workers 1 \
    --request-timeout 20 \
    --suppress-health-check too_slow,filter_too_much \
    --no-color || status=$?
if grep -q "request failed" "$WORK/serve.log"; then
    echo "the server logged unexpected failures:" >&2
    grep "request failed" "$WORK/serve.log" | head -20 >&2
    status=1
fi
exit "$status"
