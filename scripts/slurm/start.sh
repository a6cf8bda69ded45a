#!/usr/bin/env bash
# Installs (only what is missing) and starts a one-node Slurm for JobProxy's tests and for trying
# the slurm framework: munged, slurmctld and slurmd on this host, partition "debug". Debian 12, as
# root, no systemd needed. Idempotent: re-running while everything is up only re-checks. Waits until
# the node accepts jobs. Records the daemons it started in $STATE_DIR/started so that stop.sh stops
# those and nothing else.
#
# Knobs (environment, all optional):
#   SLURM_CPUS       CPUs the node advertises (default: max(nproc, 8)), so several 1-core jobs run
#                    at once even on a 2-core machine
#   SLURM_MINJOBAGE  seconds a finished job stays in squeue/scontrol (default 300, Slurm's own);
#                    after that only `sacct -c` (the jobcomp file) knows it
#   SLURM_TIMEOUT    seconds to wait for the node to be ready (default 90)
set -euo pipefail

STATE_DIR=/run/jobproxy-slurm
TIMEOUT=${SLURM_TIMEOUT:-90}
MINJOBAGE=${SLURM_MINJOBAGE:-300}
log() { echo "[slurm-start $(date +%T)] $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "scripts/slurm/start.sh must run as root" >&2; exit 1; }

# ---------------------------------------------------------------- packages
# shellcheck source=../lib/packages.sh
. "$(dirname "$0")/../lib/packages.sh"
PACKAGES="slurmctld slurmd slurm-client munge"
# shellcheck disable=SC2086
missing=$(missing_packages $PACKAGES)
if [ -n "$missing" ]; then
  log "installing: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi

HOST=$(hostname -s)
# hostname -s must resolve, otherwise slurmctld and slurmd cannot find themselves.
getent hosts "$HOST" >/dev/null || { log "adding $HOST to /etc/hosts"; echo "127.0.0.1 $HOST" >>/etc/hosts; }

NCPU=${SLURM_CPUS:-$(nproc)}
[ "$NCPU" -ge 8 ] || NCPU=8
# RealMemory must not exceed what slurmd detects, or the node is drained ("Low RealMemory").
MEM=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
MEM_FREE=$(free -m | awk '/^Mem:/{print $2}')
[ -n "$MEM" ] && [ "$MEM" -le "$MEM_FREE" ] || MEM=$MEM_FREE
MEM=$((MEM - 512))
# Without a default each job reserves the whole node's memory and jobs run one at a time.
DEFMEM=$((MEM / NCPU / 4))

# ---------------------------------------------------------------- munge key, directories
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge
install -d -o munge -g munge -m 0755 /run/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating the munge key"
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o slurm -g slurm -m 0755 /var/lib/slurm /var/lib/slurm/slurmctld /var/log/slurm /run/slurm
install -d -o root -g root -m 0755 /var/lib/slurm/slurmd "$STATE_DIR"

# ---------------------------------------------------------------- slurm.conf
NEWCONF=$(cat <<EOF
# Written by JobProxy's scripts/slurm/start.sh: a one-node cluster for tests.
ClusterName=jobproxy
SlurmctldHost=$HOST
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SchedulerType=sched/backfill
# Slurm's default batch_sched_delay=3 holds every fresh job back 2-3 s.
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$DEFMEM
ReturnToService=2
# Advertise SLURM_CPUS even where the machine has fewer cores.
SlurmdParameters=config_overrides
# No slurmdbd: finished jobs are in squeue/scontrol for MinJobAge s, and in 'sacct -c' forever.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
# The only --mem enforcement without cgroups: a job over its memory is killed (OUT_OF_MEMORY).
JobAcctGatherParams=OverMemoryKill
MinJobAge=$MINJOBAGE
MaxJobCount=100000
# Refuse at submit what can never run, instead of leaving it PENDING forever.
EnforcePartLimits=ALL
KillWait=5
InactiveLimit=0
SlurmdTimeout=300
NodeName=$HOST CPUs=$NCPU Boards=1 SocketsPerBoard=1 CoresPerSocket=$NCPU ThreadsPerCore=1 RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
)
CONF=/etc/slurm/slurm.conf
CONF_CHANGED=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$NEWCONF" ]; then
  log "writing $CONF"
  printf '%s\n' "$NEWCONF" >"$CONF"
  CONF_CHANGED=1
fi
chmod 0644 "$CONF"
# Not used (proctrack/linuxproc, task/none) but slurmd looks for it.
[ -f /etc/slurm/cgroup.conf ] || echo "CgroupPlugin=autodetect" >/etc/slurm/cgroup.conf

# ---------------------------------------------------------------- daemons
# Running = exists and not a zombie: PID 1 here may reap orphans late, and kill -0 succeeds on a
# zombie.
running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# alive PIDFILE COMM: the pid file names a live process with that command name.
alive() { [ -s "$1" ] && running "$(cat "$1")" && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]; }
started() { grep -qx "$1" "$STATE_DIR/started" 2>/dev/null || echo "$1" >>"$STATE_DIR/started"; }
stop_pid() {
  local pf=$1 pid
  [ -s "$pf" ] || return 0
  pid=$(cat "$pf")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
  if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pf"
}

if ! alive /run/munge/munged.pid munged; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  started munged
fi
for _ in $(seq 50); do munge -n </dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
munge -n </dev/null | unmunge >/dev/null || { echo "munged does not answer; see /var/log/munge/munged.log" >&2; exit 1; }

if [ "$CONF_CHANGED" = 1 ] && { alive /run/slurm/slurmctld.pid slurmctld || alive /run/slurm/slurmd.pid slurmd; }; then
  # Node definitions only change on a restart; 'scontrol reconfigure' is not enough.
  log "slurm.conf changed while Slurm runs: restarting slurmd and slurmctld"
  stop_pid /run/slurm/slurmd.pid
  stop_pid /run/slurm/slurmctld.pid
fi
if ! alive /run/slurm/slurmctld.pid slurmctld; then
  log "starting slurmctld"
  /usr/sbin/slurmctld
  started slurmctld
fi
for _ in $(seq $((TIMEOUT * 10))); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.1; done
if ! alive /run/slurm/slurmd.pid slurmd; then
  log "starting slurmd"
  /usr/sbin/slurmd
  started slurmd
fi

# The node is ready when idle (or mixed/allocated when jobs already run).
state=""
for _ in $(seq $((TIMEOUT * 10))); do
  state=$(sinfo -h -N -n "$HOST" -o %T 2>/dev/null | head -1 || true)
  case "$state" in idle | mixed | allocated | completing) break ;; esac
  sleep 0.1
done
case "$state" in
  idle | mixed | allocated | completing) ;;
  *)
    echo "Slurm node $HOST is not ready (state '$state'); see /var/log/slurm/slurmctld.log and slurmd.log" >&2
    sinfo -N -l >&2 || true
    exit 1
    ;;
esac
log "ready: $(sinfo -h -N -o '%N %T, %c CPUs, %m MB')"
