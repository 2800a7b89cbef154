#!/bin/bash
# test-distcheck.sh - 'make distcheck' passes: the tarball carries everything
# needed to build, install and run the unit tests out of tree, and no
# build output.
# timeout: 1200
. "$(dirname "$0")/../lib/common.sh"
t_need_cmd make tar gzip
[ -f "$BUILD/Makefile" ] || t_skip "no configured build tree at $BUILD"
t_log "$T_DIR/distcheck.log" "make distcheck"
make -C "$BUILD" distcheck MAKEFLAGS=-j2 >"$T_DIR/distcheck.log" 2>&1 ||
    t_fail "make distcheck failed"
grep -q 'archives ready for distribution' "$T_DIR/distcheck.log" ||
    t_fail "make distcheck did not report the archive ready"
junk=$(tar tzf "$BUILD"/sstpcd-*.tar.gz | grep -E '\.(o|a|so|log|trs)$|/\.deps/|\.dirstamp$' | head)
rm -f "$BUILD"/sstpcd-*.tar.gz
[ -z "$junk" ] || t_fail "the tarball carries build output: $junk"
t_pass
