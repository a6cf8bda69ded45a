#!/usr/bin/env bash
# Debian's chromium for the dashboard's browser test (test/dashboard/), driven by playwright-core
# with executablePath /usr/bin/chromium. Installs only when it is missing; no browser download
# of playwright's own (the machines reach Debian's packages, not browser builds).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
