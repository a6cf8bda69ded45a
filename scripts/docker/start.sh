#!/usr/bin/env bash
# Makes a Docker engine answer on $DOCKER_SOCK with the test image present, on a fresh Debian 12
# machine (root, only apt reachable, no systemd): installs the packages if missing, starts a bare
# dockerd in the background (own pid file and log) unless an engine already answers, waits for
# the socket, then builds jobproxy-test/busybox:latest from Debian's static busybox — no registry.
# Idempotent: an engine or image already there is left as it is.
#
#   DOCKER_SOCK=/var/run/docker.sock             the socket JobProxy's local.dockerSocket names
#   JOBPROXY_DOCKER_STATE=/var/run/jobproxy-docker  pid file (dockerd.pid) of the dockerd started here
#   JOBPROXY_DOCKER_LOG=/var/log/jobproxy-dockerd.log
#   JOBPROXY_TEST_IMAGE=jobproxy-test/busybox:latest
#   DOCKER_START_TIMEOUT=60                      seconds to wait for the socket
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
STATE=${JOBPROXY_DOCKER_STATE:-/var/run/jobproxy-docker}
PIDFILE=$STATE/dockerd.pid
LOG=${JOBPROXY_DOCKER_LOG:-/var/log/jobproxy-dockerd.log}
IMAGE=${JOBPROXY_TEST_IMAGE:-jobproxy-test/busybox:latest}
TIMEOUT=${DOCKER_START_TIMEOUT:-60}
# Debian's client matches the 20.10 engine; another docker on PATH may be newer.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=docker

bash "$here/install.sh"

ping_ok() { [ "$(curl -s -m 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping 2>/dev/null)" = OK ]; }

if ping_ok; then
  echo "a Docker engine already answers on $DOCKER_SOCK: using it"
else
  [ "$(id -u)" = 0 ] || { echo "starting dockerd needs root" >&2; exit 1; }
  if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "dockerd pid $(cat "$PIDFILE") is alive but $DOCKER_SOCK does not answer; run scripts/docker/stop.sh first" >&2
    exit 1
  fi
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] ||
    echo "warning: no memory cgroup found: container memory limits will not work" >&2
  mkdir -p "$STATE" "$(dirname "$LOG")"
  cd /
  # setsid: its own session, so the caller's job control and SIGHUP do not reach it. No systemd
  # here, hence the cgroupfs driver; warn level, as info floods the log.
  setsid /usr/sbin/dockerd --host "unix://$DOCKER_SOCK" --pidfile "$PIDFILE" \
    --exec-opt native.cgroupdriver=cgroupfs --log-level warn >>"$LOG" 2>&1 </dev/null &
  pid=$!
  deadline=$(($(date +%s) + TIMEOUT))
  until ping_ok; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dockerd exited while starting; last lines of $LOG:" >&2
      tail -20 "$LOG" >&2
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "dockerd not answering on $DOCKER_SOCK after ${TIMEOUT}s; last lines of $LOG:" >&2
      tail -20 "$LOG" >&2
      exit 1
    fi
    sleep 0.05
  done
  # dockerd writes the pid file itself; write it too in case it lags, so stop.sh finds it.
  echo "$pid" >"$PIDFILE"
  echo "dockerd pid $pid answers on $DOCKER_SOCK (log $LOG)"
fi

if "$DOCKER" -H "unix://$DOCKER_SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "image $IMAGE present"
  exit 0
fi
# The image: Debian's static busybox and its applet links, a passwd file and /tmp — about 2 MB,
# imported from a tar, so no registry is needed.
busybox=/bin/busybox
if ! "$busybox" --help 2>&1 | head -1 | grep -qi busybox || ldd "$busybox" >/dev/null 2>&1; then
  echo "$busybox is missing or not static: apt-get install busybox-static" >&2
  exit 1
fi
work=$(mktemp -d /tmp/jobproxy-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,var/tmp,data}
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
chroot "$root" /bin/busybox --install -s
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
tar --numeric-owner -C "$root" -c . |
  "$DOCKER" -H "unix://$DOCKER_SOCK" import \
    --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$IMAGE" >/dev/null
echo "image $IMAGE built from $busybox"
