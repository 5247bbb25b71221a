#!/usr/bin/env bash
# Checks of kade's operations files that need no kade jar and no cluster: alert rules (promtool
# check + unit tests), the PrometheusRule copy in sync, kustomize renders of base and overlays, the
# compose demo's Prometheus config and compose file, the dashboard JSON. Installs promtool and
# docker-compose (Debian packages) if missing.
# The schema validation of the rendered manifests is the JUnit test dev.kade.deploy.KubernetesManifestsTest.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0
ok() { passed=$((passed + 1)); printf '[ops] ok   %s\n' "$*"; }
fail() { printf '[ops] FAIL %s\n' "$*"; printf '%d passed, 1 failed\n' "$passed"; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=no
apt_install() { # apt_install PACKAGE: Debian package, without recommends; refreshes the lists once
  echo "[ops] installing Debian's $1"
  [[ $apt_updated == yes ]] || { as_root apt-get update -qq; apt_updated=yes; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

command -v promtool >/dev/null || apt_install prometheus
command -v promtool >/dev/null || fail "promtool still missing after apt-get install prometheus"
# Only docker-compose's offline config validator is used.
command -v docker-compose >/dev/null || apt_install docker-compose
command -v docker-compose >/dev/null || fail "docker-compose still missing after apt-get install docker-compose"
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

# docker-compose 1.29 validates the file against its Compose schema without a Docker engine; it
# predates the top-level "name:", so that line is left out of the copy it checks.
grep -v '^name:' docker/compose.yaml >"$tmp/compose.yaml"
docker-compose -f "$tmp/compose.yaml" --project-directory docker config -q || fail "docker-compose config docker/compose.yaml"
ok "docker-compose config docker/compose.yaml (schema of Compose 1.29)"

python3 -m json.tool grafana/dashboards/kade.json >/dev/null || fail "grafana/dashboards/kade.json is not valid JSON"
ok "grafana/dashboards/kade.json is valid JSON"

printf '%d passed, 0 failed\n' "$passed"
