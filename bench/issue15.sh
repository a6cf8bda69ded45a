#!/bin/bash
# Every bench of issue 15, once each, one after the other, each with its own timeout, in the
# checkout given (built: npm run build); prints the load before each. Usage:
#   bash bench/issue15.sh [CHECKOUT] > figures.txt
set -u
dir=${1:-.}
cd "$dir"
load() { echo "--- load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "=== $(git log --oneline -1) at $(date -u +%H:%M)"
load; timeout 900 node dist/bench/local-throughput.js 500 5
load; timeout 900 node dist/bench/api-capacity.js
load; timeout 900 node dist/bench/queue-memory.js 100000 10000
load; timeout 600 node dist/bench/task-latency.js
load; timeout 300 node dist/bench/file-ops.js
echo "=== done $(date -u +%H:%M)"
