#!/usr/bin/env bash
# Stops the Grid Engine daemons that scripts/gridengine/start.sh started (listed in
# $STATE_DIR/started), by the pids in their pid files, checked against /proc/PID/comm; never by
# process name. Jobs still queued or running are deleted first.
#   SGE_KEEP_JOBS=1  leave jobs alone
set -uo pipefail
log() { echo "[sge-stop $(date +%T)] $*" >&2; }
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default SGE_ARCH=lx-amd64
export PATH=/usr/lib/gridengine:$PATH
STATE_DIR=/run/jobproxy-gridengine
QPID=/var/spool/gridengine/qmaster/qmaster.pid

# shellcheck source=../lib/daemons.sh
. "$(dirname "$0")/../lib/daemons.sh"

if [ "${SGE_KEEP_JOBS:-0}" != 1 ] && we_started sge_qmaster && [ -s "$QPID" ] && running "$(cat "$QPID")"; then
  if [ -n "$(qstat -u '*' 2>/dev/null)" ]; then
    log "deleting all jobs"
    qdel -u '*' >/dev/null 2>&1 || true
    for _ in $(seq 100); do [ -z "$(qstat -u '*' 2>/dev/null)" ] && break; sleep 0.2; done
    [ -z "$(qstat -u '*' 2>/dev/null)" ] || { qdel -f -u '*' >/dev/null 2>&1; sleep 1; }
  fi
fi

stop_pidfile sge_execd "$(ls /var/spool/gridengine/execd/*/execd.pid 2>/dev/null | head -1)" 15
stop_pidfile sge_qmaster "$QPID" 15
log "stopped"
