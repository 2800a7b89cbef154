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

if [ "${SSTP_IN_VM:-0}" != 1 ]; then
	. "$T_TOP/tests/vm/vm.sh"
	vm_need_pppd sstpcd sstpctl tests/tools/sstp-testserver
	T_LOG_LINES=${T_LOG_LINES:-400} vm_run 500 "T_KEEP T_LOG_LINES" \
	    "bash tests/vm/test-pppd-first-frame.sh"
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
