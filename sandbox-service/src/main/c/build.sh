#!/bin/sh
# Builds sandbox-launch into the service's classes (the service extracts it at start), statically
# linked when the C library allows it: a static program skips the dynamic loader on every start.
# Without a C compiler it builds nothing and says so; the service then starts sandboxes through
# /bin/sh and setpriv, which does the same, a millisecond or two slower per cold start.
#
#   build.sh SOURCE OUTPUT
set -u
source=$1
output=$2
compiler=${CC:-cc}
if ! command -v "$compiler" >/dev/null 2>&1; then
  echo "[sandbox-launch] no C compiler ($compiler): not built; sandboxes start through sh + setpriv" \
       "(Debian: apt-get install gcc libc6-dev)" >&2
  exit 0
fi
mkdir -p "$(dirname "$output")"
flags="-std=c11 -O2 -s -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2"
if "$compiler" $flags -static -o "$output" "$source" 2>/dev/null; then
  exit 0
fi
# No static C library: a dynamic program works the same.
if "$compiler" $flags -o "$output" "$source"; then
  echo "[sandbox-launch] built dynamically linked (no static C library)" >&2
  exit 0
fi
rm -f "$output"
echo "[sandbox-launch] the C compiler failed: not built; sandboxes start through sh + setpriv" >&2
exit 0
