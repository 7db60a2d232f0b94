#!/usr/bin/env bash
# Browser tests of the web app against a real server.
#
#   bash ui-tests/run.sh [path/to/civiquiz]      (default: target/debug/civiquiz)
#
# Makes a throwaway DATA_DIR, creates the first admin with `civiquiz admin create`, serves on a
# free loopback port with the shipped banks, waits for /api/v1/healthz, runs every
# tests/*.test.mjs with node's test runner (playwright-core driving Debian's Chromium), stops the
# server and exits with the tests' status. Extra arguments after the binary go to `node --test`
# (e.g. `--test-name-pattern=board`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

bin="${1:-$repo/target/debug/civiquiz}"
if [ "$#" -gt 0 ]; then shift; fi
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
    echo "ui-tests: no civiquiz binary at $bin (build it first, or pass its path)" >&2
    exit 2
fi

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "ui-tests: installing Debian's chromium" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core > /dev/null
    else
        echo "ui-tests: $CHROMIUM_PATH is missing (apt-get install chromium fonts-noto-core)" >&2
        exit 2
    fi
fi

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@axe-core/playwright ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi

# The tests run on the embedded defaults, whatever the caller's shell has.
source "$repo/ci/throwaway-server.sh"
export ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-a long admin passphrase}"
serve_throwaway ui-tests "$bin" "$ADMIN_USERNAME" "$ADMIN_PASSWORD" RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
export BASE_URL="$base"

export REPO_ROOT="$repo"
status=0
node --test --test-concurrency=1 --test-reporter=spec "$@" tests/*.test.mjs || status=$?

if ! kill -0 "$server_pid" 2> /dev/null; then
    echo "ui-tests: the server stopped during the tests (see its log below); failures after that are not the pages' fault" >&2
    if [ "$status" = 0 ]; then status=1; fi
fi
if [ "$status" != 0 ]; then
    echo "---- last lines of the server log ($data_dir/server.log) ----" >&2
    tail -n 60 "$data_dir/server.log" >&2
fi
exit "$status"
