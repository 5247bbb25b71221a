#!/usr/bin/env bash
# Writes k8s/base/prometheusrule.yaml (Prometheus Operator) from k8s/prometheus/kade-rules.yaml, the
# plain rules file that promtool tests. Kustomize cannot read files outside k8s/base, hence the copy;
# dev.kade.deploy.PrometheusRuleSyncTest and .ci/ops-checks.sh fail when the copy is stale.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/kade-rules.yaml"
out="${1:-$here/../base/prometheusrule.yaml}"
{
  cat <<'HEADER'
# GENERATED from k8s/prometheus/kade-rules.yaml by k8s/prometheus/generate-prometheusrule.sh.
# Do not edit: change the plain rules file, run its promtool tests, then re-run the script.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: kade
  labels:
    app.kubernetes.io/name: kade
    app.kubernetes.io/component: alerting
spec:
HEADER
  # Everything from the groups: line on, indented under spec.
  sed -n '/^groups:/,$p' "$src" | sed 's/^\(.\)/  \1/'
} > "$out"
