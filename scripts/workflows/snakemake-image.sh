#!/usr/bin/env bash
# Makes the container image the Snakemake workflow test runs its jobs in. The TES executor
# plugin runs `/bin/bash /tmp/run_snakemake.sh` in every job, which calls `python -m snakemake`
# with the S3 storage plugin, so the image needs bash, Python 3.11 and the same Snakemake pins as
# the client's venv (install.sh). No registry image can be pulled here: the root file system is
# made by debootstrap from the Debian mirror apt uses, Snakemake pip-installed into a venv in it,
# and the result kept as a tar in the cache (it survives between runs); the image is imported
# from that tar whenever dockerd does not have it.
#
#   JOBPROXY_CACHE=/opt/jobproxy-cache                 the tar is $JOBPROXY_CACHE/snakemake-image/
#   JOBPROXY_SNAKEMAKE_IMAGE=jobproxy-test/snakemake:9.27.1
#   DEBIAN_MIRROR=http://deb.debian.org/debian
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGE=${JOBPROXY_SNAKEMAKE_IMAGE:-jobproxy-test/snakemake:9.27.1}
CACHE=${JOBPROXY_CACHE:-/opt/jobproxy-cache}/snakemake-image
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The storage plugin stays third: its wheels are kept for the jobs' own pip install.
PINS=(snakemake==9.27.1 snakemake-executor-plugin-tes==0.1.3 snakemake-storage-plugin-s3==0.3.6)
# The recipe is this script: a changed script makes a new tar and a new image.
RECIPE=$(sha256sum "$0" | cut -c1-12)
TAR=$CACHE/rootfs-$RECIPE.tar
root=""

if [ "$(docker image inspect -f '{{index .Config.Labels "jobproxy.recipe"}}' "$IMAGE" 2>/dev/null)" = "$RECIPE" ]; then
  echo "image $IMAGE present (recipe $RECIPE)"
  exit 0
fi

build_rootfs() {
  # shellcheck source=../lib/packages.sh
  . "$here/../lib/packages.sh"
  local missing
  missing=$(missing_packages debootstrap)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$missing"
  fi
  mkdir -p "$CACHE"
  local started
  started=$(date +%s)
  root=$(mktemp -d "$CACHE/build.XXXXXX")
  # The build's /proc is unmounted and its tree removed however the build ends.
  trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$root" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # pip inside trusts what the host's pip trusts (a registry proxy may sign with its own CA).
  cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$root/tmp/host-ca.crt"
  mount -t proc proc "$root/proc"
  chroot "$root" /usr/bin/python3 -m venv /opt/snakemake
  local ca=/tmp/host-ca.crt
  local pip=(env -u PIP_FIND_LINKS PIP_CERT=$ca REQUESTS_CA_BUNDLE=$ca SSL_CERT_FILE=$ca
    /opt/snakemake/bin/pip --disable-pip-version-check -q)
  # wheel: `pip wheel` below builds the sdists among them (connection_pool) the legacy way.
  chroot "$root" "${pip[@]}" install wheel "${PINS[@]}"
  # Every job first runs `pip install --target .snakemake/pip-deployments <storage plugin>`: the
  # wheels of exactly what the venv holds are kept in the image, where that pip finds them
  # without a network (ENV below) and cannot pick a newer dependency that breaks Snakemake.
  chroot "$root" sh -c '/opt/snakemake/bin/pip freeze > /tmp/venv.txt'
  chroot "$root" "${pip[@]}" wheel --no-deps -w /opt/wheels -r /tmp/venv.txt
  rm -f "$root/tmp/venv.txt"
  chroot "$root" /opt/snakemake/bin/python -c 'import snakemake, snakemake_storage_plugin_s3'
  umount "$root/proc"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/root/.cache
  : >"$root/etc/resolv.conf"
  rm -f "$root/tmp/host-ca.crt"
  # Every job runs as its owner's uid, which the image's passwd does not know: /tmp serves as
  # home, and USER (ENV below) answers Snakemake's getpass.getuser() without a passwd entry.
  chmod 1777 "$root/tmp"
  tar -C "$root" -cf "$TAR.part" . && mv "$TAR.part" "$TAR"
  echo "snakemake root file system made in $(($(date +%s) - started)) s: $TAR"
}

[ -s "$TAR" ] || build_rootfs
docker import \
  -c 'ENV PATH=/opt/snakemake/bin:/usr/local/bin:/usr/bin:/bin' -c 'ENV HOME=/tmp' \
  -c 'ENV PIP_NO_INDEX=1' -c 'ENV PIP_FIND_LINKS=/opt/wheels' \
  -c 'ENV USER=snakemake' -c 'ENV LOGNAME=snakemake' -c "LABEL jobproxy.recipe=$RECIPE" \
  "$TAR" "$IMAGE" >/dev/null
echo "image $IMAGE imported from $TAR"
