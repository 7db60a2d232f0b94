#!/usr/bin/env bash
# Weight and Lighthouse (mobile preset, simulated throttling) of the quiz intro and the attempt
# page, against a running server with the shipped banks and an admin (see ui-tests/README.md):
#
#   BASE_URL=http://127.0.0.1:8080 bash ui-tests/measure/lighthouse.sh
#
# Lighthouse 12.2.3 is fetched by npx (it runs on Node 20); Chromium is Debian's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d -t civiquiz-lh.XXXXXX)"
node "$here/weight.mjs" | tee "$out/weight.txt"
cookie="$(sed -n 's/^COOKIE=//p' "$out/weight.txt")"
export CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
for page in INTRO ATTEMPT; do
  url="$(sed -n "s/^$page=//p" "$out/weight.txt")"
  npx --yes lighthouse@12.2.3 "$url" --quiet --only-categories=performance,accessibility,best-practices \
    --output=json --output-path="$out/$page.json" --extra-headers="{\"Cookie\":\"$cookie\"}" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
  node -e '
    const r = require(process.argv[1]);
    const scores = Object.values(r.categories).map((c) => `${c.id} ${Math.round(c.score * 100)}`).join(", ");
    const metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"]
      .map((k) => `${k} ${r.audits[k].displayValue}`).join(", ");
    console.log(`${process.argv[2]}: ${scores}; ${metrics}`);' "$out/$page.json" "$page"
done
