#!/bin/bash
# Builds the native launcher (native/launcher/*.c) into dist/native/jobproxy-launcher. Without a
# C compiler it says so and builds nothing: the local framework then uses the Node launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/native/jobproxy-launcher
cc=${CC:-cc}
if ! command -v "$cc" > /dev/null; then
  echo "build-native: no C compiler ($cc): the local framework will use the Node launcher" >&2
  rm -f "$out"
  exit 0
fi
mkdir -p dist/native
"$cc" -O2 -std=gnu11 -Wall -Wextra -Werror -o "$out.tmp" native/launcher/*.c
mv "$out.tmp" "$out"
