#!/usr/bin/env bash
# Installs Debian 12's Docker engine (docker.io + containerd + runc + iptables) and busybox-static
# (the test image is built from it), only what is missing; `apt-get update` runs once, and only
# when something must be installed. Starts nothing: scripts/docker/start.sh does.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(docker.io containerd runc iptables busybox-static curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "installing ${missing[*]} needs root" >&2; exit 1; }
  echo "installing ${missing[*]}"
  # Another job may hold the dpkg lock: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "docker packages present: $(/usr/sbin/dockerd --version)"
