#!/usr/bin/env bash
# Instructions per request of the export reads, server only (callgrind), for comparing two
# builds steadily on a shared machine (wall clock moves ±15% there, this ±1%).
# usage: tools/callgrind/reads.sh BINARY DBFILE OUTDIR [N]
#   DBFILE is seeded by BINARY itself when absent (dev seed-sales, 500,000 lines, about a minute);
#   needs valgrind and curl.
set -euo pipefail
bin=$1; db=$2; out=$3; n=${4:-20}; label=$(basename "$out")
if [ ! -f "$db" ]; then
  "$bin" --database "$db" dev seed-sales --account demo --days 365 --shops 20 --products 2000 --lines 500000 >/dev/null
fi
port=$((20000 + RANDOM % 20000))
rm -rf "$out"; mkdir -p "$out"
CAFFESTA_RATE_LIMIT=1000000 RUST_LOG=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.%p" \
  "$bin" --database "$db" serve --demo --demo-empty --listen 127.0.0.1:$port > "$out/stdout" 2>"$out/stderr" &
vpid=$!
for i in $(seq 1 600); do grep -q "API key for it" "$out/stdout" 2>/dev/null && curl -s -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.5; done
key=$(grep -o "API key for it: .*" "$out/stdout" | awk '{print $NF}')
today=$(TZ=Europe/Minsk date +%F)
month=$(TZ=Europe/Minsk date -d "$(date +%Y-%m-01) -1 month" +%F)
last=$(TZ=Europe/Minsk date -d "$month +1 month -1 day" +%F)
busy=$(TZ=Europe/Minsk date -d "$today -10 days" +%F)
base=http://127.0.0.1:$port/a/v1.0
paths=("/product/export_sales?start=$month&end=$last" "/product/export_sales_totals?start=$month&end=$last" "/draft/receipts_by_shift_day/1/$busy" "/draft/get_products0/1/0/0")
names=(export_sales totals receipts_by_shift_day get_products0)
for idx in 0 1 2 3; do
  urls=(); for i in $(seq 1 $n); do urls+=("$base${paths[$idx]}"); done
  # warm
  curl -s -H "X-API-KEY: $key" "${urls[@]:0:3}" >/dev/null
  callgrind_control -z $vpid >/dev/null
  callgrind_control -i on $vpid >/dev/null
  curl -s -H "X-API-KEY: $key" "${urls[@]}" >/dev/null
  callgrind_control -i off $vpid >/dev/null
  callgrind_control -d ${names[$idx]} $vpid >/dev/null
  sleep 1
  f=$out/cg.$vpid.$((idx + 1))
  ir=$(grep -E "^totals:" "$f" | head -1 | awk '{print $2}')
  echo "$label ${names[$idx]} $((ir / n)) per request"
done
kill $vpid; wait $vpid 2>/dev/null || true
