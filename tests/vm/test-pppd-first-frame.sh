#!/bin/bash
# test-pppd-first-frame.sh - with ppp-engine=pppd, the server's first LCP
# Configure-Request (sent right after the SSTP Connect Ack, while pppd is
# still setting up its tty, which discards pending input) must reach pppd:
# the strict test server must not have to retransmit it, and the engine
# must have let it go on pppd's first byte.  With pppd-options=silent (pppd
# sends nothing first) the engine's timer lets it go and the call still
# comes up.  Runs itself inside a VM with Debian's kernel (PPP).
# timeout: 600
. "$(dirname "$0")/../lib/common.sh"

HERE=$T_TOP/tests/vm
if [ "${SSTP_IN_VM:-0}" != 1 ]; then
	t_need_root
	t_need_build sstpcd sstpctl tests/tools/sstp-testserver
	[ -e "$BUILD/ppp/plugin/sstpcd-pppd-plugin.so" ] ||
	    t_skip "the pppd plugin is not built (configure found no pppd/pppd.h: install ppp-dev)"
	command -v pppd >/dev/null || t_skip "pppd not installed (Debian package ppp)"
	t_log "$T_DIR/setup.log" "VM setup"
	"$HERE/setup.sh" >"$T_DIR/setup.log" 2>&1 ||
	    t_skip "the test VM cannot be prepared: $(tail -n 1 "$T_DIR/setup.log")"
	cd "$T_TOP" || t_fail "no $T_TOP"
	SSTP_VM_ENV="SSTPCD_BUILD T_KEEP T_LOG_LINES" SSTPCD_BUILD=$BUILD \
	    T_LOG_LINES=${T_LOG_LINES:-400} SSTP_VM_SHARE=none \
	    SSTP_VM_TIMEOUT=500 "$HERE/run-in-vm.sh" \
	    "bash tests/vm/test-pppd-first-frame.sh" >"$T_DIR/vm.out" 2>&1
	rc=$?
	t_log "$T_DIR/vm.out" "the VM's output"
	case $rc in
	0) t_pass ;;
	77) t_skip "$(sed -n 's/^SKIP: //p' "$T_DIR/vm.out" | tail -n 1)" ;;
	124) t_fail "the VM timed out" ;;
	125) t_skip "the test VM does not start: $(grep -v '^ *$' "$T_DIR/vm.out" | tail -n 3 | tr '\n' ' ')" ;;
	*) t_fail "the test failed inside the VM (exit $rc)" ;;
	esac
fi

# ---------------------------------------------------------------- guest side
. "$T_TOP/tests/lib/daemon.sh"
. "$T_TOP/tests/lib/testserver.sh"
ts_need
[ -c /dev/ppp ] || t_skip "no /dev/ppp in the VM"

cns=${T_ID}c
t_netns_new "$cns"
ts_setup "$cns"
ts_start first 4441 --auth mschap2 --timeout 20 \
    --local-ip 172.30.5.1 --peer-ip 172.30.5.2
ts_start silent 4442 --auth mschap2 --timeout 20 \
    --local-ip 172.30.6.1 --peer-ip 172.30.6.2
d_start "$cns" "$T_DIR/d" -vv
common="connect-to=$TS_HOST user=$TS_USER password=$TS_PASSWORD ca-certificate=$TS_CA ppp-engine=pppd disabled=no"
out=$(ts_ctl '/interface sstp-client' "add name=ff1 port=4441 $common")
t_assert_eq "$out" "" "add prints nothing"
up() { [ "$(ts_mon "$1" status)" = connected ]; }
t_wait_for 45 up ff1 || t_fail "ff1 not connected: $(t_sstpctl /interface sstp-client monitor ff1 once)"
if grep -q 'retransmit lcp configure-request' "$T_DIR/ts-first.log"; then
	t_fail "pppd lost the server's first LCP Configure-Request: $(ts_log first)"
fi
grep -q 'ff1: pppd tty ready .*why="pppd wrote"' "$D_LOG" ||
    t_fail "the engine did not wait for pppd's first byte: $(grep 'ff1: pppd' "$D_LOG" | head -n 20)"

# pppd "silent": nothing comes from pppd first; the timer lets the frames go.
out=$(ts_ctl '/interface sstp-client' "add name=ff2 port=4442 pppd-options=silent $common")
t_assert_eq "$out" "" "add prints nothing"
t_wait_for 45 up ff2 || t_fail "ff2 (silent) not connected: $(t_sstpctl /interface sstp-client monitor ff2 once)"
grep -q 'ff2: pppd tty ready .*why="timeout' "$D_LOG" ||
    t_fail "ff2: the hold timer did not fire: $(grep 'ff2: pppd' "$D_LOG" | head -n 20)"

ts_ctl '/interface sstp-client disable ff1,ff2' >/dev/null
d_stop
t_pass
