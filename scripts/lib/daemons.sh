# Shared by the stop scripts of the schedulers: stop only daemons our own start script recorded
# (in $STATE_DIR/started), by the pid in their pid file, checked against /proc/PID/comm — never by
# process name. Source it after setting STATE_DIR and defining log().

running() { [ -e "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
we_started() { grep -qx "$1" "$STATE_DIR/started" 2>/dev/null; }

stop_pidfile() { # name pidfile [grace seconds, default 10]
  local name=$1 pf=$2 grace=${3:-10} pid
  we_started "$name" || return 0
  if [ -n "$pf" ] && [ -s "$pf" ]; then
    pid=$(cat "$pf")
    if running "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$name" ]; then
      log "$name: pid $pid is '$(cat "/proc/$pid/comm")', not $name; leaving it alone"
    elif running "$pid"; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq $((grace * 10))); do running "$pid" || break; sleep 0.1; done
      if running "$pid"; then
        log "$name still alive after $grace s: SIGKILL"
        kill -KILL "$pid"
      fi
    fi
    rm -f "$pf"
  fi
  sed -i "/^$name\$/d" "$STATE_DIR/started"
}
