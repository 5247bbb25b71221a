#!/usr/bin/env bash
# Installs the external tools the checks use when they are missing: Prometheus and promtool (Debian),
# python3 for small JSON checks. kubectl (with built-in kustomize) is expected on the machine.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v python3 >/dev/null || missing+=(python3)
# NAB's official scorer (the NAB benchmark step, when ../shared/datasets/nab is beside the repository) needs pandas
if [ -d ../shared/datasets/nab ] && ! python3 -c 'import pandas' 2>/dev/null; then missing+=(python3-pandas); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || echo "apt-get update failed; trying the cached package lists"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v promtool >/dev/null || { echo "promtool is still missing after install" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is missing: the Kubernetes manifest checks need it" >&2; exit 1; }
promtool --version 2>&1 | sed -n 1p
kubectl version --client 2>&1 | sed -n 1p
