#!/usr/bin/env bash
# Fuzzes the API against its own OpenAPI document with schemathesis (PyPI, pinned with hashes in
# requirements.txt beside this file).
#
#   bash tests/schemathesis/run.sh [path/to/civiquiz]      (default: target/debug/civiquiz)
#
# Serves the binary on a free loopback port with a throwaway DATA_DIR and the shipped banks,
# makes an admin (`civiquiz admin create`), registers a participant and makes a few objects for
# the cases to name (seed.py), then runs schemathesis on /api/v1/openapi.json three times:
# anonymous, as the participant, as the admin. Checks: no 5xx, every status and content type
# documented, every body as its schema says; any failure fails the script. Each phase runs
# schemathesis's examples, coverage and fuzzing, SCHEMATHESIS_MAX_EXAMPLES (default 30, about
# 4 minutes for the three phases on 2 cores) cases at most per operation in fuzzing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

bin="${1:-$repo/target/debug/civiquiz}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
    echo "schemathesis: no civiquiz binary at $bin (build it first, or pass its path)" >&2
    exit 2
fi
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-30}"

# Python 3.13: schemathesis's workers crash on 3.11. pyenv's, installed when missing.
pyenv_root="${PYENV_ROOT:-$(pyenv root 2> /dev/null || echo "$HOME/.pyenv")}"
python="$pyenv_root/versions/3.13.0/bin/python3"
if [ ! -x "$python" ] && command -v pyenv > /dev/null; then
    pyenv install -s 3.13.0 >&2 || true
fi
if [ ! -x "$python" ]; then
    echo "schemathesis: Python 3.13.0 is missing ($python) and pyenv could not install it" >&2
    exit 2
fi

# One venv per pinned set, kept between runs.
requirements="$here/requirements.txt"
pins="$(sha256sum "$requirements" | cut -c1-16)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/civiquiz-schemathesis-$pins"
if [ ! -x "$venv/bin/schemathesis" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes \
        -r "$requirements"
fi

source "$repo/ci/throwaway-server.sh"
admin_password="a long admin passphrase"
# Every case comes from one address: the per-address limits on sign-ins and new accounts are
# raised so that fuzzing register and login does not turn the rest of the run into 429s.
serve_throwaway schemathesis "$bin" admin "$admin_password" REGISTRATION=open \
    AUTH_IP_LIMIT_PER_MIN=1000000 ACCOUNTS_PER_ADDRESS_PER_HOUR=1000000 RUST_LOG="${RUST_LOG:-warn}"

token() { # path, JSON body → the access token
    curl -fsS -H 'content-type: application/json' -d "$2" "$base/api/v1/$1" \
        | "$python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

report="${SCHEMATHESIS_REPORT_DIR:-$data_dir/report}"
mkdir -p "$report"
status=0
fuzz() { # who, then schemathesis's extra arguments
    local who="$1"
    shift
    echo "schemathesis: as $who, at most $max_examples examples per operation and phase"
    # Stateful testing is left out: the document has no links, and cases stay independent.
    # Run from the data folder, where schemathesis keeps its cache (.schemathesis/).
    (cd "$data_dir" && PYTHONPATH="$here" SCHEMATHESIS_HOOKS=civiquiz_hooks \
        "$venv/bin/schemathesis" --config-file "$data_dir/schemathesis.toml" \
        run "$base/api/v1/openapi.json" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing --max-examples "$max_examples" --seed 15 \
        --workers 2 --request-timeout 10 --suppress-health-check all \
        --report junit --report-junit-path "$report/$who.xml" "$@") || status=1
}

# What the cases may name (seed.py): without real ids, nearly every case with a path id stops
# at 404.
participant="$("$python" "$here/seed.py" "$base" "$admin_password" "$here/schemathesis.toml" \
    "$data_dir/schemathesis.toml")"

# Anonymous first and the admin last: whatever a phase changes (the admin may disable the
# participant, change a quiz or a contest, import users) cannot lock out a phase before it.
fuzz anonymous
fuzz participant -H "Authorization: Bearer $participant"
# Fetched now: access tokens last 15 minutes.
admin="$(token auth/login "{\"username\": \"admin\", \"password\": \"$admin_password\"}")"
fuzz admin -H "Authorization: Bearer $admin"

if ! kill -0 "$server_pid" 2> /dev/null; then
    echo "schemathesis: the server died during the run:" >&2
    tail -50 "$data_dir/server.log" >&2
    status=1
fi
if grep -q "internal error" "$data_dir/server.log"; then
    echo "schemathesis: the server logged internal errors:" >&2
    grep -A3 "internal error" "$data_dir/server.log" | head -40 >&2
    status=1
fi
exit "$status"
