#!/usr/bin/env bash
# Stops the Slurm daemons that scripts/slurm/start.sh started (listed in $STATE_DIR/started), by the
# pids in their pid files, checked against /proc/PID/comm; never by process name. Jobs still queued
# or running are cancelled first, so no job outlives slurmd.
#   SLURM_KEEP_JOBS=1  leave jobs alone (they survive a restart of the daemons)
set -uo pipefail

STATE_DIR=/run/jobproxy-slurm
log() { echo "[slurm-stop $(date +%T)] $*" >&2; }
running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
we_started() { grep -qx "$1" "$STATE_DIR/started" 2>/dev/null; }

stop_pidfile() { # name pidfile
  local name=$1 pf=$2 pid
  we_started "$name" || return 0
  if [ -s "$pf" ]; then
    pid=$(cat "$pf")
    if running "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$name" ]; then
      log "$name: pid $pid is '$(cat "/proc/$pid/comm")', not $name; leaving it alone"
    elif running "$pid"; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
      if running "$pid"; then
        log "$name still alive after 10 s: SIGKILL"
        kill -KILL "$pid"
      fi
    fi
    rm -f "$pf"
  fi
  sed -i "/^$name\$/d" "$STATE_DIR/started"
}

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
