#!/usr/bin/env bash
# End-to-end browser test of builtby's web page.
#
# Loads the shared GH Archive sample into a fresh data folder, starts the server on a free
# loopback port, and drives Debian's Chromium headless through chromedriver (e2e.py, Python
# standard library only): search, results, person page, chart, errors, the recruiter workflow
# (shortlist, first line, status, Greenhouse export, ATS import), phone width.
# A second server on the same data folder takes a named token (--token-file): through it the
# test opts the first result out and checks, on both servers, that they are gone (also after
# re-ingesting the same files), that the page asks for the token, and that the audit log
# names each step's actor. Screenshots land in target/e2e/.
#
#   crates/server/tests/e2e/run.sh            # from the workspace root (or anywhere)
#
# Needs: chromium + chromium-driver (installed with apt-get when missing and running as root),
# python3, cargo. Environment:
#   BUILTBY_E2E_INPUTS  GH Archive files/folder to load (default ../shared/data/gharchive)
#   BUILTBY_E2E_GIT     a git history export to replay and load too, so people have changed
#                       files and so roles (default ../shared/data/git/huggingface__peft.log.zst;
#                       skipped when absent, or with the example server)
#   BUILTBY_E2E_OUT     screenshot folder (default target/e2e)
#   BUILTBY_BIN         a built `builtby` binary to use (`ingest gharchive` + `serve --addr`)
#   BUILTBY_E2E_SERVER  `cli` or `example` to force one; by default the CLI is used when
#                       `builtby serve` exists, else the crate's examples/e2e_server.rs
#   CARGO_PROFILE       cargo profile to build with (default dev)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
INPUTS=${BUILTBY_E2E_INPUTS:-$ROOT/../shared/data/gharchive}
GIT_EXPORT=${BUILTBY_E2E_GIT:-$ROOT/../shared/data/git/huggingface__peft.log.zst}
REPLAY=$ROOT/../shared/tools/replay-git-history
OUT=${BUILTBY_E2E_OUT:-$ROOT/target/e2e}
PROFILE=${CARGO_PROFILE:-dev}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PROFILE_DIR=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

if [ ! -e "$INPUTS" ]; then
  echo "e2e: SKIP — no GH Archive sample at $INPUTS" >&2
  exit 0
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "e2e: installing chromium and chromium-driver" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "e2e: FAIL — chromium and chromedriver are needed: apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi

WORK=$(mktemp -d)
SERVER_PID=""
SERVER2_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$SERVER2_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ADDR="127.0.0.1:$PORT"
PORT2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ADDR2="127.0.0.1:$PORT2"
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
printf '# the e2e test\ne2e:%s\n' "$TOKEN" >"$WORK/tokens.txt"
DATA="$WORK/data"
mkdir -p "$OUT"
cd "$ROOT"

use_cli() {
  [ "${BUILTBY_E2E_SERVER:-}" = example ] && return 1
  local candidate=${BUILTBY_BIN:-}
  if [ -z "$candidate" ] && cargo build -q --profile "$PROFILE" --bin builtby 2>/dev/null; then
    candidate="$TARGET/$PROFILE_DIR/builtby"
  fi
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" serve --help >/dev/null 2>&1; then
    BIN=$candidate
    return 0
  fi
  if [ "${BUILTBY_E2E_SERVER:-}" = cli ]; then
    echo "e2e: FAIL — no builtby binary with a serve command (${candidate:-none built})" >&2
    exit 1
  fi
  [ -n "$candidate" ] && echo "e2e: $candidate has no serve command yet; falling back to the example server" >&2
  return 1
}

START=$(date +%s)
if use_cli; then
  echo "e2e: loading $INPUTS with $BIN" >&2
  "$BIN" --data-dir "$DATA" ingest gharchive "$INPUTS" >"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; exit 1; }
  if [ -f "$GIT_EXPORT" ] && [ -f "$REPLAY" ] && command -v git >/dev/null; then
    NAME=$(basename "$GIT_EXPORT"); NAME=${NAME%%.log*}
    echo "e2e: replaying and loading $GIT_EXPORT as ${NAME/__//}" >&2
    python3 "$REPLAY" "$GIT_EXPORT" "$WORK/git" --bare --quiet
    "$BIN" --data-dir "$DATA" ingest git "$WORK/git" --repo "${NAME/__//}" >>"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; exit 1; }
  fi
  "$BIN" --data-dir "$DATA" serve --addr "$ADDR" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  "$BIN" --data-dir "$DATA" serve --addr "$ADDR2" --token-file "$WORK/tokens.txt" >"$WORK/server2.log" 2>&1 &
  SERVER2_PID=$!
  export BUILTBY_E2E_TOKEN_URL="http://$ADDR2" BUILTBY_E2E_TOKEN="$TOKEN" BUILTBY_E2E_BIN="$BIN" \
    BUILTBY_E2E_DATA="$DATA" BUILTBY_E2E_INPUTS="$INPUTS"
else
  echo "e2e: using examples/e2e_server.rs (no builtby serve yet)" >&2
  cargo build -q --profile "$PROFILE" -p builtby-server --example e2e_server
  "$TARGET/$PROFILE_DIR/examples/e2e_server" "$DATA" "$ADDR" "$INPUTS" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
fi

echo "e2e: waiting for http://$ADDR" >&2
for _ in $(seq 1 1200); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://$ADDR/api/stats', timeout=2)" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "e2e: FAIL — the server exited:" >&2; cat "$WORK/server.log" >&2; exit 1; fi
  sleep 0.5
done
if [ -n "$SERVER2_PID" ]; then
  for _ in $(seq 1 1200); do
    if python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('http://$ADDR2/api/stats', headers={'Authorization': 'Bearer $TOKEN'}), timeout=2)" 2>/dev/null; then break; fi
    if ! kill -0 "$SERVER2_PID" 2>/dev/null; then echo "e2e: FAIL — the server with tokens exited:" >&2; cat "$WORK/server2.log" >&2; exit 1; fi
    sleep 0.5
  done
fi
echo "e2e: server ready after $(( $(date +%s) - START ))s" >&2

if python3 "$HERE/e2e.py" "http://$ADDR" "$OUT"; then
  echo "e2e: PASS — screenshots in $OUT" >&2
else
  echo "e2e: server log:" >&2
  tail -n 40 "$WORK/server.log" >&2
  [ -f "$WORK/server2.log" ] && { echo "e2e: log of the server with tokens:" >&2; tail -n 40 "$WORK/server2.log" >&2; }
  exit 1
fi
