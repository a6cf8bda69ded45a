#!/usr/bin/env bash
# Makes the Python venvs the workflow-engine e2e tests (test/e2e/workflows/) run, each pinned and
# cached in a directory that survives between runs; a venv whose engine does not start is made
# anew. One venv per engine: they pin incompatible versions of py-tes.
#
#   JOBPROXY_VENV_ROOT=/opt/jobproxy-cache   venvs are $JOBPROXY_VENV_ROOT/venv-{pytes,cwl,snakemake}
#   PYTHON=/usr/bin/python3                  a Python 3.11+ (Snakemake 9 needs it) that every
#                                            user can run: clients run as users of their own
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ROOT=${JOBPROXY_VENV_ROOT:-/opt/jobproxy-cache}
PYTHON=${PYTHON:-/usr/bin/python3}

# shellcheck source=../lib/packages.sh
. "$here/../lib/packages.sh"
missing=$(missing_packages python3 python3-venv)
if [ -n "$missing" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

# name, the command that proves it works, then what pip installs.
make_venv() {
  local name=$1 probe=$2
  shift 2
  local venv=$ROOT/venv-$name
  # A venv of another interpreter (one under /root, say, which other users cannot run) is remade.
  if [ -x "$venv/bin/python" ] && [ "$(readlink -f "$venv/bin/python")" = "$(readlink -f "$PYTHON")" ] &&
    "$venv/bin/python" -c "$probe" >/dev/null 2>&1; then
    echo "venv-$name present: $venv"
    return 0
  fi
  local started
  started=$(date +%s)
  rm -rf "$venv"
  mkdir -p "$ROOT"
  "$PYTHON" -m venv "$venv"
  "$@"
  "$venv/bin/python" -c "$probe"
  echo "venv-$name made in $(($(date +%s) - started)) s: $venv"
}

pip_in() { local venv=$ROOT/venv-$1; shift; "$venv/bin/pip" install -q --disable-pip-version-check "$@"; }

make_venv pytes 'import tes; assert tes.__version__ == "1.1.4"' \
  pip_in pytes py-tes==1.1.4

# cwl-tes 0.3.0 pins cwltool 1.0.2019…, whose schema-salad needs rdflib-jsonld 0.4, which only
# builds with setuptools < 58 (it uses 2to3): build that one without build isolation.
install_cwl() {
  pip_in cwl 'setuptools<58' wheel
  pip_in cwl --no-build-isolation rdflib-jsonld==0.4.0
  pip_in cwl --no-build-isolation cwl-tes==0.3.0
}
make_venv cwl 'import cwl_tes' install_cwl

make_venv snakemake 'import snakemake, snakemake_executor_plugin_tes, snakemake_storage_plugin_s3' \
  pip_in snakemake snakemake==9.27.1 snakemake-executor-plugin-tes==0.1.3 \
  snakemake-storage-plugin-s3==0.3.6
