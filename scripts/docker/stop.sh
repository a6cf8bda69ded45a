#!/usr/bin/env bash
# Removes the containers JobProxy left behind (label jobproxy.task), then stops the dockerd that
# scripts/docker/start.sh started — by the pid in its own pid file, never by name. An engine
# started by someone else keeps running.
#
#   DOCKER_SOCK, JOBPROXY_DOCKER_STATE: as for start.sh
#   DOCKER_STOP_TIMEOUT=30   seconds between SIGTERM and SIGKILL
set -uo pipefail
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
STATE=${JOBPROXY_DOCKER_STATE:-/var/run/jobproxy-docker}
PIDFILE=$STATE/dockerd.pid
TIMEOUT=${DOCKER_STOP_TIMEOUT:-30}
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=docker

if [ "$(curl -s -m 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping 2>/dev/null)" = OK ]; then
  ids=$("$DOCKER" -H "unix://$DOCKER_SOCK" ps -aq --filter label=jobproxy.task)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    # "removal already in progress" for one being removed is fine: it goes anyway.
    "$DOCKER" -H "unix://$DOCKER_SOCK" rm -f $ids >/dev/null 2>&1 || true
    echo "removed $(echo "$ids" | wc -l) leftover jobproxy container(s)"
  fi
fi

pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q '^dockerd$' "/proc/$pid/comm" 2>/dev/null; then
  kill -TERM "$pid"
  deadline=$(($(date +%s) + TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "dockerd $pid still alive after ${TIMEOUT}s: SIGKILL" >&2
      kill -KILL "$pid"
      break
    fi
    sleep 0.1
  done
  echo "dockerd $pid stopped"
  # After a SIGKILL, dockerd's containerd may remain: end it by the pid in its own pid file.
  pf=/var/run/docker/containerd/containerd.pid
  if [ -s "$pf" ] && p=$(cat "$pf") && kill -0 "$p" 2>/dev/null && grep -q '^containerd$' "/proc/$p/comm" 2>/dev/null; then
    sleep 1
    kill -0 "$p" 2>/dev/null && { echo "ending leftover containerd $p" >&2; kill -TERM "$p"; }
  fi
else
  echo "no dockerd started by scripts/docker/start.sh is running"
fi
rm -f "$PIDFILE"
exit 0
