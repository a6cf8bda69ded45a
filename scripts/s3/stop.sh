#!/usr/bin/env bash
# Stops the SeaweedFS server scripts/s3/start.sh started — by the pid in its own pid file, checked
# against /proc/PID/comm, never by name. Data stays in $JOBPROXY_S3_STATE/data.
#
#   JOBPROXY_S3_STATE: as for start.sh;  S3_STOP_TIMEOUT=20  seconds between SIGTERM and SIGKILL
set -uo pipefail
STATE=${JOBPROXY_S3_STATE:-/var/lib/jobproxy-s3}
PIDFILE=$STATE/weed.pid
TIMEOUT=${S3_STOP_TIMEOUT:-20}
running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [ -n "$pid" ] && running "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == weed* ]]; then
  kill -TERM "$pid"
  deadline=$(($(date +%s) + TIMEOUT))
  while running "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "weed $pid still alive after ${TIMEOUT}s: SIGKILL" >&2
      kill -KILL "$pid"
      break
    fi
    sleep 0.1
  done
  echo "seaweedfs $pid stopped"
else
  echo "no seaweedfs started by scripts/s3/start.sh is running"
fi
rm -f "$PIDFILE"
exit 0
