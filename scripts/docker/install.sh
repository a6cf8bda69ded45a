#!/usr/bin/env bash
# Installs Debian 12's Docker engine (docker.io + containerd + runc + iptables) and busybox-static
# (the test image is built from it), only what is missing; `apt-get update` runs once, and only
# when something must be installed. Starts nothing: scripts/docker/start.sh does.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=../lib/packages.sh
. "$(dirname "$0")/../lib/packages.sh"

missing=$(missing_packages docker.io containerd runc iptables busybox-static curl)
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || { echo "installing $missing needs root" >&2; exit 1; }
  echo "installing $missing"
  # Another job may hold the dpkg lock: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing
fi
echo "docker packages present: $(/usr/sbin/dockerd --version)"
