#!/usr/bin/env bash
# Debian packages the server and its tests use. Installs only what is missing (apt-get update
# once, and only when something must be installed).
set -euo pipefail

packages=(util-linux procps curl ca-certificates)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "system packages present: ${packages[*]}"
