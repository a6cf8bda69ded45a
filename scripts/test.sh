#!/usr/bin/env bash
# The one test command (npm test): installs and starts what the tests need on a fresh Debian 12
# machine (as root), builds, runs every test with the node test runner, and stops what it started.
# Arguments, if any, are test files or directories under dist/ to run instead of all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "system packages"
timeout 900 bash scripts/install-system-deps.sh
timeout 900 bash scripts/chromium/install.sh

step "node packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  timeout 900 npm ci --no-audit --no-fund
fi

step "workflow engines (Python venvs, cached)"
timeout 1200 bash scripts/workflows/install.sh

step "build"
timeout 600 npm run build --silent

started=()
stop_services() {
  for service in "${started[@]}"; do
    timeout 120 bash "scripts/$service/stop.sh" || echo "warning: stopping $service failed"
  done
}
trap stop_services EXIT

# The real systems the e2e tests run against; JOBPROXY_TEST_SERVICES="" runs without them (their
# tests then fail, saying what is missing).
for service in ${JOBPROXY_TEST_SERVICES-docker slurm gridengine s3 kubernetes}; do
  step "start $service"
  # Kubernetes builds its binaries from the Go module proxy on a cold machine (12-20 min), s3 its
  # SeaweedFS (~18 min cold): each is cached in a directory that survives between runs.
  [ "$service" != kubernetes ] || timeout 2400 bash scripts/kubernetes/install.sh
  limit=600
  [ "$service" != s3 ] || limit=2400
  timeout "$limit" bash "scripts/$service/start.sh"
  started+=("$service")
done

# The Snakemake test's jobs run in an image with Snakemake in it, made by debootstrap and pip
# (~5 min cold) and kept as a tar in the cache; imported when dockerd lacks it.
if [[ " ${started[*]} " == *" docker "* ]]; then
  step "snakemake job image (cached)"
  # Not fatal: the other tests still run; the Snakemake test then fails naming the image.
  timeout 1200 bash scripts/workflows/snakemake-image.sh ||
    echo "warning: the Snakemake job image could not be made (scripts/workflows/snakemake-image.sh)"
fi

step "tests"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dist/src dist/test)
timeout 3600 node --test --test-reporter=spec --test-concurrency=1 "${targets[@]}"

# The current LTS lines too (engines in package.json): the unit and API tests on Node 24 and 22,
# each with its binary and its own node_modules cached in /opt/jobproxy-cache/node<major>.
if [ $# -eq 0 ]; then
  for major in 24 22; do
    step "unit and API tests on Node $major"
    timeout 1800 bash scripts/node24/test.sh "$major"
  done
fi
