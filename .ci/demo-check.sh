#!/usr/bin/env bash
# Runs the demo exactly as the README's first command does (jar already built) and checks the promise
# of issue 2 on its last line: records_in == scored + dead_lettered, recall >= 0.9, precision >= 0.8,
# that a normal run logs no ERROR line (kade's, Kafka Streams' or the in-process broker's), and that the
# figures README.md and docs/demo.md show for the demo are those of this run (.ci/demo-doc-check.py); then the same
# for `demo --series` (below).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/kade-demo.jar ] || mvn -B -q package -DskipTests
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
start=$(date +%s)
# stdout: the demo's progress and its JSON summary (last line); stderr: the log, checked below
java -jar target/kade-demo.jar demo 2>"$log" | tee "$out"
echo "demo took $(( $(date +%s) - start )) s; $(wc -l <"$log") log lines"
if grep -E '^[0-9-]+T[0-9:.]+ \[[^]]*\] ERROR ' "$log"; then
  echo "FAIL: a normal demo run logged the ERROR line(s) above; full log:" >&2
  cat "$log" >&2
  exit 1
fi
tail -n 1 "$out" | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
for k in ("records_in", "scored", "dead_lettered", "alerts", "precision", "recall"):
    assert k in s, f"summary lacks {k}: {s}"
assert s["records_in"] > 0, s
assert s["records_in"] == s["scored"] + s["dead_lettered"], f"counts do not add up: {s}"
assert s["dead_lettered"] > 0, f"the demo injects malformed records, none were dead-lettered: {s}"
assert s["recall"] >= 0.9, f"recall below 0.9: {s}"
assert s["precision"] >= 0.8, f"precision below 0.8: {s}"
print("demo summary OK:", s)
'
python3 .ci/demo-doc-check.py "$out" README.md docs/demo.md

# The time-series mode (issue 21): four labelled NAB series through a windowed model on the real scorer. Its last
# line must balance (records_in == scored + dead_lettered; it adds one malformed record after every 50th row, so
# some are dead-lettered) and at least one labelled anomaly window must be caught; no ERROR line in its log.
sout=$(mktemp)
slog=$(mktemp)
trap 'rm -f "$out" "$log" "$sout" "$slog"' EXIT
start=$(date +%s)
java -jar target/kade-demo.jar demo --series --metrics-port 0 2>"$slog" | tee "$sout"
echo "series demo took $(( $(date +%s) - start )) s; $(wc -l <"$slog") log lines"
if grep -E '^[0-9-]+T[0-9:.]+ \[[^]]*\] ERROR ' "$slog"; then
  echo "FAIL: the series demo logged the ERROR line(s) above; full log:" >&2
  cat "$slog" >&2
  exit 1
fi
tail -n 1 "$sout" | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
for k in ("mode", "records_in", "scored", "dead_lettered", "alerts", "windows", "windows_caught", "entities"):
    assert k in s, f"series summary lacks {k}: {s}"
assert s["mode"] == "series", s
assert s["records_in"] > 0, s
assert s["records_in"] == s["scored"] + s["dead_lettered"], f"counts do not add up: {s}"
assert s["dead_lettered"] > 0, f"the series demo adds malformed records, none were dead-lettered: {s}"
assert s["windows"] > 0, s
assert s["windows_caught"] >= 1, f"no labelled anomaly window caught: {s}"
print("series demo summary OK:", {k: s[k] for k in ("records_in", "scored", "dead_lettered", "alerts", "windows", "windows_caught", "alerts_outside_windows")})
'
