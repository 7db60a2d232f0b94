# Sourced by the scripts that test a running server (ui-tests/run.sh, tests/schemathesis/run.sh):
# a civiquiz binary served on a free loopback port over a throwaway DATA_DIR with the shipped
# banks and a first admin, stopped and removed when the script exits.
#
#   source ci/throwaway-server.sh
#   serve_throwaway NAME BIN ADMIN_USERNAME ADMIN_PASSWORD [VAR=value ...]
#
# Sets data_dir, base (http://127.0.0.1:PORT) and server_pid; exits 2 if the server does not
# come up. The extra VAR=value settings go to the server's environment. The caller's database,
# Redis and storage settings are dropped: the run is on the embedded defaults.

unset DATABASE_URL REDIS_URL REDIS_PREFIX JWT_SECRET PRODUCTION STORAGE_URL S3_ENDPOINT

throwaway_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir=""
server_pid=""

throwaway_cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2> /dev/null; then
        kill "$server_pid" 2> /dev/null || true
        wait "$server_pid" 2> /dev/null || true
    fi
    if [ -n "$data_dir" ]; then rm -rf "$data_dir"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

serve_throwaway() {
    local name="$1" bin="$2" admin_username="$3" admin_password="$4"
    shift 4
    data_dir="$(mktemp -d -t "civiquiz-$name.XXXXXX")"
    trap throwaway_cleanup EXIT
    trap 'exit 130' INT TERM
    printf '%s' "$admin_password" \
        | DATA_DIR="$data_dir" "$bin" admin create --username "$admin_username" > "$data_dir/admin.log" 2>&1 \
        || { cat "$data_dir/admin.log" >&2; exit 2; }
    local port
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    env BIND="127.0.0.1:$port" DATA_DIR="$data_dir" BANKS_DIR="$throwaway_repo/question-banks" \
        LOG_FORMAT=text "$@" "$bin" serve > "$data_dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -fsS -o /dev/null "$base/api/v1/healthz" 2> /dev/null && return 0
        if ! kill -0 "$server_pid" 2> /dev/null; then
            echo "$name: the server exited before answering:" >&2
            cat "$data_dir/server.log" >&2
            exit 2
        fi
        sleep 0.1
    done
    echo "$name: no health answer from $base" >&2
    exit 2
}
