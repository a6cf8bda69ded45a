#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (the S3-compatible server the S3 tests run against) from the Go module
# proxy into a cache directory that survives between runs, unless that exact version is already
# there. `go install …/weed@V` is refused (SeaweedFS's go.mod has a replace directive), so the
# module is downloaded and built as the main module, as its own Makefile does. Starts nothing.
#
#   JOBPROXY_CACHE=/opt/jobproxy-cache     the cache; the binary is $JOBPROXY_CACHE/seaweedfs/weed-$VERSION
#   SEAWEEDFS_VERSION=…                    a version the Go module proxy serves
set -euo pipefail
VERSION=${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
CACHE=${JOBPROXY_CACHE:-/opt/jobproxy-cache}/seaweedfs
BIN=$CACHE/weed-$VERSION
MODULE=github.com/seaweedfs/seaweedfs

if [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; then
  echo "seaweedfs present: $BIN"
  exit 0
fi
GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$GO" ] || { echo "building SeaweedFS needs Go (go on PATH or /usr/local/go/bin/go)" >&2; exit 1; }
mkdir -p "$CACHE"
started=$(date +%s)
dir=$("$GO" mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "go mod download $MODULE@$VERSION gave no directory" >&2; exit 1; }
work=$(mktemp -d /tmp/jobproxy-seaweedfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The module cache is read-only; building needs a writable copy (go.sum may be touched).
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "building weed $VERSION (cold: many minutes on 2 cores; Go's build cache makes it quick)"
(cd "$work/src" && "$GO" build -trimpath -ldflags "-s -w" -o "$BIN.tmp" ./weed)
mv "$BIN.tmp" "$BIN"
echo "seaweedfs built in $(($(date +%s) - started)) s: $BIN"
