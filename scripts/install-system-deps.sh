#!/usr/bin/env bash
# Debian packages the server and its tests use. Installs only what is missing (apt-get update
# once, and only when something must be installed).
set -euo pipefail

# shellcheck source=lib/packages.sh
. "$(dirname "$0")/lib/packages.sh"

# gcc and libc6-dev build the native launcher (npm run build; without them the Node one runs).
packages=(util-linux procps curl ca-certificates gcc libc6-dev)
missing=$(missing_packages "${packages[@]}")
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
echo "system packages present: ${packages[*]}"
