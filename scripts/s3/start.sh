#!/usr/bin/env bash
# Starts a SeaweedFS S3 server for the tests on loopback only (`weed mini`: master, volume, filer
# and the S3 gateway in one process), with static test credentials, unless one already answers.
# Builds weed first if missing (install.sh). Writes the settings the tests read to $STATE/s3.env.
# Idempotent.
#
#   JOBPROXY_S3_STATE=/var/lib/jobproxy-s3   data, pid file (weed.pid), s3.json, s3.env
#   JOBPROXY_S3_LOG=/var/log/jobproxy-s3.log
#   JOBPROXY_S3_PORT=8333                    S3 port (master 9333, volume 9340, filer 8888, +10000 gRPC)
#   JOBPROXY_S3_ACCESS_KEY / JOBPROXY_S3_SECRET_KEY   the static test credentials
#   S3_START_TIMEOUT=120                      seconds to wait for the gateway
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
STATE=${JOBPROXY_S3_STATE:-/var/lib/jobproxy-s3}
LOG=${JOBPROXY_S3_LOG:-/var/log/jobproxy-s3.log}
PORT=${JOBPROXY_S3_PORT:-8333}
ACCESS_KEY=${JOBPROXY_S3_ACCESS_KEY:-jobproxy-test}
SECRET_KEY=${JOBPROXY_S3_SECRET_KEY:-jobproxy-test-secret}
TIMEOUT=${S3_START_TIMEOUT:-120}
PIDFILE=$STATE/weed.pid
ENDPOINT=http://127.0.0.1:$PORT

bash "$here/install.sh"
VERSION=${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
BIN=${JOBPROXY_CACHE:-/opt/jobproxy-cache}/seaweedfs/weed-$VERSION

healthy() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$ENDPOINT/healthz" 2>/dev/null)" = 200 ]; }
running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

mkdir -p "$STATE/data" "$(dirname "$LOG")"
cat >"$STATE/s3.env" <<ENV
JOBPROXY_TEST_S3_ENDPOINT=$ENDPOINT
JOBPROXY_TEST_S3_ACCESS_KEY=$ACCESS_KEY
JOBPROXY_TEST_S3_SECRET_KEY=$SECRET_KEY
ENV
if healthy; then
  echo "an S3 server already answers on $ENDPOINT: using it"
  exit 0
fi
if [ -s "$PIDFILE" ] && running "$(cat "$PIDFILE")"; then
  echo "weed pid $(cat "$PIDFILE") is alive but $ENDPOINT does not answer; run scripts/s3/stop.sh first" >&2
  exit 1
fi
umask 077
cat >"$STATE/s3.json" <<JSON
{"identities": [{"name": "jobproxy-test",
  "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
started=$(date +%s)
cd "$STATE"
# Loopback only; no telemetry (no traffic leaves the machine); no WebDAV, admin UI or catalogs;
# no bucket created by an upload (as on AWS: a missing bucket is an error the tests check).
setsid "$BIN" mini -dir="$STATE/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -s3.port="$PORT" -s3.config="$STATE/s3.json" -master.telemetry=false \
  -webdav=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 -s3.autoCreateBucket=false \
  >>"$LOG" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PIDFILE"
deadline=$((started + TIMEOUT))
until healthy; do
  if ! running "$pid"; then
    echo "weed exited while starting; last lines of $LOG:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "SeaweedFS S3 not answering on $ENDPOINT after ${TIMEOUT}s; last lines of $LOG:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
  sleep 0.2
done
echo "seaweedfs pid $pid answers S3 on $ENDPOINT in $(($(date +%s) - started)) s (log $LOG)"
