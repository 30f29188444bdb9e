#!/usr/bin/env bash
# Writes the static docs site (lineage picture, tables, columns, tests, latest results and status) and, with
# --screenshot, renders it in headless Chromium to check that it looks right.
#   scripts/docs.sh [--warehouse DIR] [--out DIR] [--screenshot]
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"
warehouse=${OLIST_WAREHOUSE:-$OLIST_ROOT/warehouse}
out=$OLIST_ROOT/target/docs
shot=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) warehouse=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --screenshot) shot=1; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
case "$warehouse" in *://*|/*) ;; *) warehouse="$PWD/$warehouse" ;; esac
olist_ensure_built || exit 1
olist_submit "" org.olist.marts.jobs.docs.DocsJob -- --conf "$OLIST_ROOT/conf/local.conf" --warehouse "$warehouse" \
  --out "$out" > "$out.log" 2>&1 || { grep -a -E 'ERROR|Cannot' "$out.log" >&2; exit 1; }
echo "Docs: $out/index.html"
if [[ $shot == 1 ]]; then
  browser=$(command -v chromium || command -v chromium-browser || true)
  [[ -n "$browser" ]] || { echo "ERROR: --screenshot needs Chromium (Debian: apt-get install chromium)" >&2; exit 1; }
  profile=$(mktemp -d)
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --hide-scrollbars --window-size=1600,1400 --screenshot="$out/screenshot.png" "file://$out/index.html" \
    >/dev/null 2>&1
  rm -rf "$profile"
  [[ -s "$out/screenshot.png" ]] || { echo "ERROR: Chromium produced no screenshot" >&2; exit 1; }
  echo "Screenshot: $out/screenshot.png"
fi
