#!/usr/bin/env bash
# The README's five-minute walkthrough, run for you against a throwaway data directory and port:
# create a tenant, deploy and call the counter, kill -9 the server, restart it, and check that
# everything acknowledged is back. Exits non-zero on the first answer that is not the expected one.
#
#   examples/walkthrough.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
solo="$root/solo"
work="$(mktemp -d)"
port="${SOLO_WALKTHROUGH_PORT:-17443}"
server_pid=""
trap 'if [[ -n "$server_pid" ]]; then kill -9 "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
expect() { # expect WANT COMMAND...
  local want="$1"; shift
  local got
  got="$("$@")"
  printf '$ solo %s\n%s\n' "${*:2}" "$got"
  if [[ "$got" != "$want" ]]; then
    echo "walkthrough: expected '$want'" >&2
    exit 1
  fi
}
start_server() {
  "$solo" server --data "$work/data" --port "$port" > "$work/server.out" 2>> "$work/server.log" &
  server_pid=$!
  for _ in $(seq 240); do
    if grep -q ready "$work/server.out" 2>/dev/null; then
      cat "$work/server.out"
      return
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      cat "$work/server.log" >&2
      echo "walkthrough: the server did not start" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "walkthrough: the server did not get ready in 2 minutes" >&2
  exit 1
}

step "build if needed, then start the server"
"$solo" --version > /dev/null
start_server

step "create a tenant"
"$solo" tenant create acme --out "$work/acme.creds" --creds "$work/data/admin.creds"
export SOLO_CREDS="$work/acme.creds"

step "deploy the counter and call it"
"$solo" deploy counter "$root/examples/counter/Counter.java"
expect 1 "$solo" call counter increment
expect 42 "$solo" call counter increment --data 41
"$solo" describe counter
"$solo" logs counter --tail 2
"$solo" deploy tally "$root/examples/tally/Tally.java"
expect 5 "$solo" call tally increment --data 5
"$solo" list

step "kill -9 the server, then start it again"
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
start_server
expect 42 "$solo" call counter get
expect 0 "$solo" call tally get
"$solo" events --type service_started

step "stop gracefully: in-memory state is snapshotted and restored"
expect 7 "$solo" call tally increment --data 7
"$solo" admin shutdown --creds "$work/data/admin.creds"
wait "$server_pid" 2>/dev/null || true
start_server
expect 7 "$solo" call tally get

step "hot swap: the in-memory total moves to the new version, and back on rollback"
"$solo" swap tally "$root/examples/tally/Tally.java" --watchdog 0s --explanation "same code, new version"
expect 8 "$solo" call tally increment
"$solo" versions tally
"$solo" rollback tally --to 1
expect 9 "$solo" call tally increment
"$solo" versions tally
"$solo" events --type hot_swap_started --type hot_swap_succeeded --type hot_swap_rolled_back
"$solo" admin shutdown --creds "$work/data/admin.creds"
wait "$server_pid" 2>/dev/null || true
server_pid=""

echo
echo "walkthrough: every answer was the expected one"
