#!/usr/bin/env bash
# The anonymous top-10 read of a seeded board against the server's cheapest response, in one
# run: wrk on /healthz, then on the board, then /healthz again, alternating, so both share the
# machine's state. Needs a release server already serving at $URL (see benches/RESULTS.md)
# and the board seeded by `cargo bench --bench load -- board` (it prints the board's URL).
#
#   benches/board_vs_healthz.sh http://127.0.0.1:8099 "$BOARD_URL" [seconds] [connections]
set -euo pipefail
url=$1
board=$2
seconds=${3:-10}
connections=${4:-64}
rate() { ${WRK_PREFIX:-} wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" | awk '/Requests\/sec/ {print $2} / 99%/ {p99=$2} END {print p99}' | paste -sd' '; }
for round in $(seq "${ROUNDS:-3}"); do
  read -r health health_p99 < <(rate "$url/healthz")
  read -r top top_p99 < <(rate "$board")
  ratio=$(awk -v a="$top" -v b="$health" 'BEGIN {printf "%.0f", 100 * a / b}')
  echo "round $round: /healthz $health req/s (p99 $health_p99), top-10 board $top req/s (p99 $top_p99): $ratio %"
done
