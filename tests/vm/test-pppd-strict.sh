#!/bin/bash
# test-pppd-strict.sh - the pppd engine against the strict SSTP test server:
# tests/integration/test-strict-binding.sh with ppp-engine=pppd, inside a VM
# running Debian's kernel (this host's kernel may have no PPP).  It proves
# that the HLAK the pppd plugin hands over (MS-CHAPv2 MPPE keys) gives a
# crypto binding that a server checking it (accel-ppp, RRAS, Ideco UTM)
# accepts, with SHA-256 and with SHA-1, and that Call Connected goes out
# before pppd's IPCP.
# timeout: 900
. "$(dirname "$0")/../lib/common.sh"

HERE=$T_TOP/tests/vm
t_need_root
t_need_build sstpcd sstpctl tests/tools/sstp-testserver
[ -e "$BUILD/ppp/plugin/sstpcd-pppd-plugin.so" ] ||
    t_skip "the pppd plugin is not built (configure found no pppd/pppd.h: install ppp-dev)"
command -v pppd >/dev/null || t_skip "pppd not installed (Debian package ppp)"
t_log "$T_DIR/setup.log" "VM setup"
"$HERE/setup.sh" >"$T_DIR/setup.log" 2>&1 ||
    t_skip "the test VM cannot be prepared: $(tail -n 1 "$T_DIR/setup.log")"
cd "$T_TOP" || t_fail "no $T_TOP"
# One boot: the guest runs the integration test; 125 is "the VM failed".
SSTP_VM_ENV="SSTPCD_BUILD TS_ENGINE T_KEEP T_LOG_LINES" SSTPCD_BUILD=$BUILD \
    TS_ENGINE=pppd T_LOG_LINES=${T_LOG_LINES:-2000} \
    SSTP_VM_SHARE=none SSTP_VM_TIMEOUT=780 \
    "$HERE/run-in-vm.sh" "test -c /dev/ppp || { echo 'SKIP: no /dev/ppp in the VM'; exit 77; }
	bash tests/integration/test-strict-binding.sh" >"$T_DIR/vm.out" 2>&1
rc=$?
t_log "$T_DIR/vm.out" "the VM's output"
case $rc in
0) t_pass ;;
77) t_skip "$(sed -n 's/^SKIP: //p' "$T_DIR/vm.out" | tail -n 1)" ;;
124) t_fail "the VM timed out" ;;
125) t_skip "the test VM does not start: $(grep -v '^ *$' "$T_DIR/vm.out" | tail -n 3 | tr '\n' ' ')" ;;
*) t_fail "test-strict-binding failed inside the VM (exit $rc)" ;;
esac
