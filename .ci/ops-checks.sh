#!/usr/bin/env bash
# Checks of kade's operations files that need no kade jar and no cluster: alert rules (promtool
# check + unit tests), the PrometheusRule copy in sync, kustomize renders of base and overlays, the
# compose demo's Prometheus config, the dashboard JSON. Installs promtool if missing.
# The schema validation of the rendered manifests is the JUnit test dev.kade.deploy.KubernetesManifestsTest.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0
ok() { passed=$((passed + 1)); printf '[ops] ok   %s\n' "$*"; }
fail() { printf '[ops] FAIL %s\n' "$*"; printf '%d passed, 1 failed\n' "$passed"; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v promtool >/dev/null; then
  echo "[ops] promtool missing: installing Debian's prometheus package"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
command -v promtool >/dev/null || fail "promtool still missing after apt-get install prometheus"
command -v kubectl >/dev/null || fail "kubectl missing (it has no Debian package; install kubectl >= 1.27, which embeds kustomize)"

promtool check rules k8s/prometheus/kade-rules.yaml || fail "promtool check rules"
ok "promtool check rules k8s/prometheus/kade-rules.yaml"
promtool test rules k8s/prometheus/kade-rules.test.yaml || fail "promtool test rules"
ok "promtool test rules k8s/prometheus/kade-rules.test.yaml"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k8s/prometheus/generate-prometheusrule.sh "$tmp/prometheusrule.yaml"
diff -u k8s/base/prometheusrule.yaml "$tmp/prometheusrule.yaml" ||
  fail "k8s/base/prometheusrule.yaml is stale: run k8s/prometheus/generate-prometheusrule.sh"
ok "k8s/base/prometheusrule.yaml matches k8s/prometheus/kade-rules.yaml"

for k in k8s/base k8s/overlays/*/; do
  k=${k%/}
  kubectl kustomize "$k" >"$tmp/rendered.yaml" || fail "kubectl kustomize $k"
  ok "kubectl kustomize $k ($(grep -c '^kind:' "$tmp/rendered.yaml") resources)"
done

# The compose demo's Prometheus config, with the rules path pointed at the repository's file.
sed "s#/etc/prometheus/rules/kade-rules.yaml#$root/k8s/prometheus/kade-rules.yaml#" docker/prometheus.yml >"$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml" >/dev/null || fail "promtool check config docker/prometheus.yml"
ok "promtool check config docker/prometheus.yml"

python3 -m json.tool grafana/dashboards/kade.json >/dev/null || fail "grafana/dashboards/kade.json is not valid JSON"
ok "grafana/dashboards/kade.json is valid JSON"

printf '%d passed, 0 failed\n' "$passed"
