#!/usr/bin/env bash
# Renders the dashboard to docs/dashboard.png: the demo's data plus a simulated portfolio in a
# fresh SQLite file, served by `lifeline serve` on a free port, shot by headless Chromium.
#   scripts/render-dashboard.sh [OUTPUT.png]
# Environment: SIM_CUSTOMERS (default 150, 0 = demo data only), SIM_MONTHS (24), SIM_SEED (42),
# WINDOW (1400,2800), CHROMIUM (chromium), QUERY (dashboard query string, default
# from=2026-06-01&to=2026-12-01: the demo's cohort, its failures and recoveries, and the portfolio).
set -euo pipefail
cd "$(dirname "$0")/.."

output="${1:-docs/dashboard.png}"
customers="${SIM_CUSTOMERS:-150}"
months="${SIM_MONTHS:-24}"
seed="${SIM_SEED:-42}"
window="${WINDOW:-1400,2800}"
chromium="${CHROMIUM:-chromium}"
query="${QUERY-from=2026-06-01&to=2026-12-01}"
command -v "$chromium" >/dev/null || { echo "needs headless Chromium: apt-get install -y chromium" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
swift build --product lifeline >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
lifeline="$(swift build --show-bin-path 2>/dev/null)/lifeline"

database="$work/lifeline.sqlite"
echo "1/4 demo data into $database"
"$lifeline" demo --database "$database" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="render-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
secret="whsec_$(printf 'render-dashboard-standard-secret' | base64)"
echo "2/4 lifeline serve on 127.0.0.1:$port"
HTTP_PORT="$port" STORAGE_PATH="$database" ADMIN_TOKENS="$token" PROVIDERS_STANDARD_SECRETS="$secret" \
    "$lifeline" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.2
done

if [ "$customers" -gt 0 ]; then
    echo "3/4 simulated portfolio: $customers customers, $months months, seed $seed"
    "$lifeline" simulate --customers "$customers" --months "$months" --seed "$seed" --out "$work/sim" >/dev/null
    "$lifeline" replay "$work/sim/standard" --provider standard --secret "$secret" --url "http://127.0.0.1:$port" >"$work/replay.log" \
        || { grep -v '^2' "$work/replay.log" | head >&2; exit 1; }
fi

echo "4/4 headless Chromium → $output"
mkdir -p "$(dirname "$output")"
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$window" --screenshot="$PWD/$output" "http://127.0.0.1:$port/dashboard?token=$token&$query" >"$work/chromium.log" 2>&1 \
    || { cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $output"
