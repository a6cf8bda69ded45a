#!/usr/bin/env bash
# Stops the Slurm daemons that scripts/slurm/start.sh started (listed in $STATE_DIR/started), by the
# pids in their pid files, checked against /proc/PID/comm; never by process name. Jobs still queued
# or running are cancelled first, so no job outlives slurmd.
#   SLURM_KEEP_JOBS=1  leave jobs alone (they survive a restart of the daemons)
set -uo pipefail

STATE_DIR=/run/jobproxy-slurm
log() { echo "[slurm-stop $(date +%T)] $*" >&2; }
# shellcheck source=../lib/daemons.sh
. "$(dirname "$0")/../lib/daemons.sh"

if [ "${SLURM_KEEP_JOBS:-0}" != 1 ] && we_started slurmctld && scontrol ping 2>/dev/null | grep -q 'is UP'; then
  ids=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
  if [ -n "${ids// /}" ]; then
    log "cancelling jobs: $ids"
    # shellcheck disable=SC2086
    scancel $ids 2>/dev/null
    for _ in $(seq 100); do
      [ -z "$(squeue -h -t PD,R,CG,CF,S -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi

stop_pidfile slurmd /run/slurm/slurmd.pid
stop_pidfile slurmctld /run/slurm/slurmctld.pid
stop_pidfile munged /run/munge/munged.pid
log "stopped"
