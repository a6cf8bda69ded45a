#!/bin/bash
# Every bench of issue 15, once each, one after the other, each with its own timeout, in the
# checkout given (built: npm run build); prints the load before each. Usage:
#   bash bench/issue15.sh [CHECKOUT] > figures.txt
#
# Each bench gets a new scratch directory of its own (TMPDIR), made at the top of the file system
# when it can be (as root): ext4 places a top-level directory in a block group of its own, so the
# thousands of files an earlier bench removed — which ext4 skips over for minutes when it
# allocates an inode (bench-scratch.ts) — do not make this bench's files cost up to 50 times
# their CPU. They are all removed at the end, after the last figure.
set -u
dir=${1:-.}
cd "$dir"
scratches=()
trap 'rm -rf "${scratches[@]}"' EXIT
load() { echo "--- load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
run() {
  load
  local scratch
  scratch=$(mktemp -d /jobproxy-bench.XXXXXX 2> /dev/null || mktemp -d)
  scratches+=("$scratch")
  TMPDIR=$scratch timeout "$@"
}
echo "=== $(git log --oneline -1) at $(date -u +%H:%M)"
run 900 node dist/bench/local-throughput.js 500 5
run 900 node dist/bench/api-capacity.js
run 900 node dist/bench/queue-memory.js 100000 10000
run 600 node dist/bench/task-latency.js
run 300 node dist/bench/file-ops.js
echo "=== done $(date -u +%H:%M)"
