#!/usr/bin/env bash
# Installs (only what is missing) and starts a one-host Son of Grid Engine 8.1.9 cell for JobProxy's
# tests and for trying the gridengine framework: sge_qmaster and sge_execd on this host, queue all.q,
# parallel environment smp. Debian 12, as root, no systemd needed. Idempotent: re-running while it
# is up only re-checks. Waits until all.q accepts jobs. Records the daemons it started in
# $STATE_DIR/started so that stop.sh stops those and nothing else.
#
# Clients: the real binaries are /usr/lib/gridengine/q* with SGE_ROOT=/var/lib/gridengine
# SGE_CELL=default (the /usr/bin/q* wrappers work too but cost 0.2-0.6 s per call).
#
# Knobs (environment, all optional):
#   SGE_SLOTS    slots of all.q (default: max(nproc, 8)), so several 1-slot jobs run at once
#   SGE_TIMEOUT  seconds to wait for the queue (default 90)
set -euo pipefail
log() { echo "[sge-start $(date +%T)] $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "scripts/gridengine/start.sh must run as root" >&2; exit 1; }

export SGE_ROOT=/var/lib/gridengine SGE_CELL=default SGE_ARCH=lx-amd64
export PATH=/usr/lib/gridengine:$PATH
STATE_DIR=/run/jobproxy-gridengine
HOST=$(hostname -s)
SLOTS=${SGE_SLOTS:-$(nproc)}
[ "$SLOTS" -ge 8 ] || SLOTS=8
TIMEOUT=${SGE_TIMEOUT:-90}
COMMON=$SGE_ROOT/$SGE_CELL/common
QPID=/var/spool/gridengine/qmaster/qmaster.pid
# execd spools under the name it resolves for itself ("localhost" here, not $HOST).
execd_pidfile() { ls /var/spool/gridengine/execd/*/execd.pid 2>/dev/null | head -1 || true; }

# ---------------------------------------------------------------- packages (non-interactive)
# shellcheck source=../lib/packages.sh
. "$(dirname "$0")/../lib/packages.sh"
PACKAGES="gridengine-master gridengine-exec gridengine-client"
# shellcheck disable=SC2086
missing=$(missing_packages $PACKAGES)
if [ -n "$missing" ]; then
  log "installing: $missing"
  # gridengineconfig=true: the master's postinst initialises the cell (berkeleydb spool);
  # gridenginemaster: else act_qmaster is empty and every client fails ("has zero length").
  debconf-set-selections <<EOF
gridengine-common shared/gridengineconfig boolean true
gridengine-common shared/gridenginecell string $SGE_CELL
gridengine-common shared/gridenginemaster string $HOST
EOF
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
install -d -m 0755 "$STATE_DIR"

# The cell was never initialised (packages installed earlier with gridengineconfig=false).
if [ ! -e /var/spool/gridengine/spooldb/sge ]; then
  log "initialising the cell"
  install -d -o sgeadmin -g sgeadmin /var/spool/gridengine/spooldb /var/spool/gridengine/qmaster \
    /var/spool/gridengine/qmaster/job_scripts /var/spool/gridengine/execd "$COMMON"
  [ -f "$COMMON/bootstrap" ] || install -m0644 -o sgeadmin -g sgeadmin /usr/share/gridengine/default-bootstrap "$COMMON/bootstrap"
  su -s /bin/sh -c "/usr/share/gridengine/scripts/init_cluster $SGE_ROOT $SGE_CELL /var/spool/gridengine/spooldb sgeadmin" sgeadmin
fi
install -d -o sgeadmin -g sgeadmin /var/spool/gridengine/execd

# ---------------------------------------------------------------- host names
# SGE resolves names by address: the host name -> 127.0.0.1 -> "localhost" (the first /etc/hosts
# line), so qmaster calls itself "localhost" while clients say "$HOST", and every client gets
# "access denied (client IP resolved to host name "localhost" ...)". host_aliases makes them one.
getent hosts "$HOST" >/dev/null || { log "adding $HOST to /etc/hosts"; echo "127.0.0.1 $HOST" >>/etc/hosts; }
IP=$(getent ahostsv4 "$HOST" | awk 'NR==1{print $1}')
ALIASES=$(getent hosts "$IP" | awk '{for(i=2;i<=NF;i++) print $i}' | grep -vx "$HOST" | sort -u | tr '\n' ' ')
echo "$HOST localhost $ALIASES" | awk '{o=""; for(i=1;i<=NF;i++) if(!seen[$i]++) o=o (o?" ":"") $i; print o}' >"$COMMON/host_aliases"
chown sgeadmin:sgeadmin "$COMMON/host_aliases"
echo "$HOST" >"$COMMON/act_qmaster"
chown sgeadmin:sgeadmin "$COMMON/act_qmaster"

running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
alive() { [ -s "$1" ] && running "$(cat "$1")" && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]; }
started() { grep -qx "$1" "$STATE_DIR/started" 2>/dev/null || echo "$1" >>"$STATE_DIR/started"; }

# ---------------------------------------------------------------- qmaster
if ! alive "$QPID" sge_qmaster; then
  log "starting sge_qmaster"
  sge_qmaster # daemonises, drops to sgeadmin, writes $QPID
  started sge_qmaster
fi
for _ in $(seq $((TIMEOUT * 10))); do qconf -sh >/dev/null 2>&1 && break; sleep 0.1; done
qconf -sh >/dev/null || { echo "sge_qmaster does not answer; see /var/spool/gridengine/qmaster/messages" >&2; exit 1; }

# ---------------------------------------------------------------- configuration (idempotent)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# qconf prints long values over several lines ending in '\'; join them before editing.
join_lines() { sed -e ':a' -e '/\\$/N; s/[[:space:]]*\\\n[[:space:]]*/ /; ta'; }
# min_uid/min_gid 0: root may submit (default 1000). accounting_flush_time 0: qacct has a job's
# exit at once (default: 15 s late). login_shells none: else every job starts a login shell.
qconf -sconf global | join_lines >"$TMP/global"
sed -i -e 's/^min_uid .*/min_uid                      0/' \
  -e 's/^min_gid .*/min_gid                      0/' \
  -e 's/^reporting_params .*/reporting_params             accounting=true reporting=false flush_time=00:00:15 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00/' \
  -e 's/^load_report_time .*/load_report_time             00:00:10/' \
  -e 's/^login_shells .*/login_shells                 none/' \
  -e 's/^execd_params .*/execd_params                 ENABLE_ADDGRP_KILL=true/' \
  "$TMP/global"
qconf -sconf global | join_lines | cmp -s - "$TMP/global" || { log "updating the global config"; qconf -Mconf "$TMP/global" >/dev/null; }
# The scheduler runs every second and 1 s after each submit or finish (default: every 15 s).
qconf -ssconf | join_lines >"$TMP/sched"
sed -i -e 's/^schedule_interval .*/schedule_interval                 0:0:1/' \
  -e 's/^flush_submit_sec .*/flush_submit_sec                  1/' \
  -e 's/^flush_finish_sec .*/flush_finish_sec                  1/' "$TMP/sched"
qconf -ssconf | join_lines | cmp -s - "$TMP/sched" || { log "updating the scheduler config"; qconf -Msconf "$TMP/sched" >/dev/null; }

qconf -sh | grep -qx "$HOST" || qconf -ah "$HOST" >/dev/null
qconf -ss 2>/dev/null | grep -qx "$HOST" || qconf -as "$HOST" >/dev/null
if ! qconf -se "$HOST" >/dev/null 2>&1; then
  printf '%s\n' "hostname $HOST" "load_scaling NONE" "complex_values NONE" "user_lists NONE" \
    "xuser_lists NONE" "projects NONE" "xprojects NONE" "usage_scaling NONE" \
    "report_variables NONE" >"$TMP/exechost"
  qconf -Ae "$TMP/exechost" >/dev/null
fi
if ! qconf -shgrp @allhosts >/dev/null 2>&1; then
  printf 'group_name @allhosts\nhostlist %s\n' "$HOST" >"$TMP/hgrp"
  qconf -Ahgrp "$TMP/hgrp" >/dev/null
elif ! qconf -shgrp @allhosts | grep -qw "$HOST"; then
  qconf -aattr hostgroup hostlist "$HOST" @allhosts >/dev/null
fi
if ! qconf -sp smp >/dev/null 2>&1; then
  printf '%s\n' "pe_name smp" "slots 9999" "user_lists NONE" "xuser_lists NONE" \
    "start_proc_args NONE" "stop_proc_args NONE" 'allocation_rule $pe_slots' \
    "control_slaves FALSE" "job_is_first_task TRUE" "urgency_slots min" \
    "accounting_summary FALSE" "qsort_args NONE" >"$TMP/pe"
  qconf -Ap "$TMP/pe" >/dev/null
fi
if ! qconf -sq all.q >/dev/null 2>&1; then
  {
    printf '%s\n' "qname all.q" "hostlist @allhosts" "seq_no 0" "load_thresholds NONE" \
      "suspend_thresholds NONE" "nsuspend 1" "suspend_interval 00:05:00" "priority 0" \
      "min_cpu_interval 00:05:00" "processors UNDEFINED" "qtype BATCH INTERACTIVE" \
      "ckpt_list NONE" "pe_list smp" "rerun FALSE" "slots $SLOTS" "tmpdir /tmp" \
      "shell /bin/sh" "prolog NONE" "epilog NONE" "shell_start_mode unix_behavior" \
      "starter_method NONE" "suspend_method NONE" "resume_method NONE" "terminate_method NONE" \
      "notify 00:00:60" "owner_list NONE" "user_lists NONE" "xuser_lists NONE" \
      "subordinate_list NONE" "complex_values NONE" "projects NONE" "xprojects NONE" \
      "calendar NONE" "initial_state default"
    for limit in rt cpu fsize data stack core rss vmem; do
      printf 's_%s INFINITY\nh_%s INFINITY\n' "$limit" "$limit"
    done
  } >"$TMP/q"
  qconf -Aq "$TMP/q" >/dev/null
elif [ "$(qconf -sq all.q | awk '$1=="slots"{print $2}')" != "$SLOTS" ]; then
  qconf -mattr queue slots "$SLOTS" all.q >/dev/null
fi

# ---------------------------------------------------------------- execd
EPID=$(execd_pidfile)
if [ -z "$EPID" ] || ! alive "$EPID" sge_execd; then
  log "starting sge_execd"
  sge_execd # daemonises; jobs run through sge_shepherd as their owner
  started sge_execd
fi

# ---------------------------------------------------------------- wait for all.q@host
state="?"
load="-NA-"
for _ in $(seq $((TIMEOUT * 10))); do
  # qstat -f line: queuename qtype resv/used/tot. load_avg arch [states]
  line=$(qstat -f -q "all.q@$HOST" 2>/dev/null | awk -v q="all.q@$HOST" '$1==q' || true)
  if [ -n "$line" ]; then
    state=$(echo "$line" | awk '{print $6}')
    load=$(echo "$line" | awk '{print $4}')
    [ -z "$state" ] && [ "$load" != "-NA-" ] && break
  fi
  sleep 0.1
done
if [ -n "$state" ] || [ "$load" = "-NA-" ]; then
  echo "all.q@$HOST is not ready (state '$state', load '$load'); see /var/spool/gridengine/*/messages" >&2
  qstat -f >&2 || true
  exit 1
fi
log "ready: $(qstat -f -q "all.q@$HOST" | awk -v q="all.q@$HOST" '$1==q{print $1, "slots(resv/used/tot)=" $3}')"
