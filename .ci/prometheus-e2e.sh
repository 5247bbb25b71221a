#!/usr/bin/env bash
# End-to-end check of kade's observability: a real Prometheus (Debian's) scrapes a running kade on
# loopback while it scores a stream, loads the alert rules, and every PromQL expression of the
# Grafana dashboard and of the alert rules is evaluated through Prometheus' HTTP API
# (.ci/promql_check.py). A metric renamed in code makes a dashboard query return nothing: this fails.
# The broker-side lag (kafka-exporter's kafka_consumergroup_lag) has no exporter here: beside a real kade,
# .ci/fake-kade-exporter.py --kafka-exporter serves that series for kade's consumer group (application.id,
# read from kade's own metrics), so the expressions that join it with kade's series are evaluated too.
#
# Usage: .ci/prometheus-e2e.sh          kade demo from target/kade-demo.jar (build it first: mvn -B -q package -DskipTests)
#        .ci/prometheus-e2e.sh --fake   .ci/fake-kade-exporter.py instead: tests this script, not kade
# Env: JAVA (default java), KADE_JAR (default target/kade-demo.jar), KADE_READY_TIMEOUT (s, default 90),
#      PROMQL_TIMEOUT (s to wait for all queries to have data, default 60), KEEP_WORKDIR=1 to keep logs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=${KADE_JAR:-$root/target/kade-demo.jar}
java=${JAVA:-java}
rules=$root/k8s/prometheus/kade-rules.yaml
dashboard=$root/grafana/dashboards/kade.json
mode=kade
[[ ${1:-} == --fake ]] && mode=fake

log() { printf '[e2e %s] %s\n' "$(date +%T)" "$*"; }
die() { log "FAILED: $*"; exit 1; }

command -v prometheus >/dev/null || die "prometheus not installed (apt-get install -y --no-install-recommends prometheus)"
command -v promtool >/dev/null || die "promtool not installed (apt-get install -y --no-install-recommends prometheus)"
command -v curl >/dev/null || die "curl not installed"
command -v python3 >/dev/null || die "python3 not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/kade-e2e.XXXXXX")
kade_pid="" prom_pid="" lagx_pid=""

stop() { # stop PID [seconds]: TERM, wait, then KILL; only the processes this script started
  local pid=$1 wait_s=${2:-20}
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 5; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  log "pid $pid did not stop in ${wait_s}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$prom_pid" 10
  stop "$lagx_pid" 5
  stop "$kade_pid" 40
  if ((rc != 0)); then
    for f in "$work"/kade.log "$work"/prometheus.log; do
      [[ -s $f ]] && { log "last lines of $f:"; tail -n 40 "$f"; }
    done
  fi
  if [[ ${KEEP_WORKDIR:-} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_for URL SECONDS PID: until URL answers 200, PID is alive, and the time is not up
wait_for() {
  local url=$1 seconds=$2 pid=$3 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || die "process $pid exited while waiting for $url"
    ((SECONDS < deadline)) || die "$url not ready after ${seconds}s"
    sleep 0.5
  done
}

kade_port=$(free_port)
if [[ $mode == kade ]]; then
  [[ -f $jar ]] || die "$jar not found: build it first with mvn -B -q package -DskipTests"
  log "starting kade demo on 127.0.0.1:$kade_port ($jar)"
  # --enable-native-access: required by ONNX Runtime on JDK 22+, accepted by 17 and 21.
  "$java" --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$work" -jar "$jar" \
    demo --keep-running --metrics-port "$kade_port" >"$work/kade.log" 2>&1 &
  kade_pid=$!
else
  log "starting fake kade exporter on 127.0.0.1:$kade_port"
  python3 "$root/.ci/fake-kade-exporter.py" "$kade_port" >"$work/kade.log" 2>&1 &
  kade_pid=$!
fi
wait_for "http://127.0.0.1:$kade_port/health/ready" "${KADE_READY_TIMEOUT:-90}" "$kade_pid"
log "kade ready after ${SECONDS}s"

lag_targets=""
if [[ $mode == kade ]]; then
  group=$(curl -fsS --max-time 5 "http://127.0.0.1:$kade_port/metrics" |
    sed -n 's/^kade_ready{.*application="\([^"]*\)".*/\1/p' | head -n 1)
  [[ -n $group ]] || die "kade's /metrics has no kade_ready{application=...}"
  lagx_port=$(free_port)
  log "starting a kafka-exporter stand-in for consumer group $group on 127.0.0.1:$lagx_port"
  python3 "$root/.ci/fake-kade-exporter.py" "$lagx_port" --kafka-exporter "$group" >"$work/kafka-exporter.log" 2>&1 &
  lagx_pid=$!
  wait_for "http://127.0.0.1:$lagx_port/metrics" 10 "$lagx_pid"
  lag_targets="
  - job_name: kafka-exporter
    static_configs:
      - targets: [\"127.0.0.1:$lagx_port\"]"
fi

prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: kade
    static_configs:
      - targets: ["127.0.0.1:$kade_port"]$lag_targets
YAML
promtool check config "$work/prometheus.yml" >/dev/null || die "generated Prometheus config is invalid"
log "starting Prometheus on 127.0.0.1:$prom_port"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prom_pid=$!
prom=http://127.0.0.1:$prom_port
wait_for "$prom/-/ready" 30 "$prom_pid"

# Dashboard rate() windows use 10s ($__rate_interval): wait for at least 12 scrapes of kade first.
query_value() {
  curl -fsS --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
deadline=$((SECONDS + 40))
until [[ $(query_value 'count_over_time(up{job="kade"}[1m])') -ge 12 ]]; do
  ((SECONDS < deadline)) || die "Prometheus did not get 12 scrapes of kade in 40s"
  kill -0 "$kade_pid" 2>/dev/null || die "kade exited"
  sleep 1
done
[[ $(query_value 'min_over_time(up{job="kade"}[10s])') == 1 ]] || die "a recent scrape of kade failed"
log "Prometheus has 12 scrapes of kade; evaluating the dashboard and rule expressions"

python3 "$root/.ci/promql_check.py" --prometheus "$prom" --dashboard "$dashboard" \
  --rate-window 10s --timeout "${PROMQL_TIMEOUT:-60}" || die "PromQL checks failed (see FAIL lines above)"
log "all PromQL checks passed in ${SECONDS}s"
