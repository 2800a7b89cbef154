#!/bin/bash
# test-pppd-softether.sh - the pppd engine end to end: the real sstpcd with
# ppp-engine=pppd against SoftEther, driven through sstpctl, inside a VM
# running Debian's kernel (this host's kernel may have no PPP).
#
# On the host it boots the VM once (tests/vm/run-in-vm.sh) and runs itself
# inside; SKIP with the reason when the VM cannot start.  Inside: the tunnel
# comes up with MS-CHAPv2 and with PAP, ping crosses it, 'monitor once'
# shows the ppp interface's values, and disabling it leaves no pppd, no
# interface, no route and no plugin socket; pppd killed under a tunnel gives
# a reason and the tunnel reconnects.  Before that, tests/vm/pppd-driver runs
# the engine alone against a peer pppd (the plugin, the HLAK hand-off, exit
# reasons, a hung pppd killed on stop) without SSTP in the way.
# timeout: 900
. "$(dirname "$0")/../lib/common.sh"

HERE=$T_TOP/tests/vm

# ---------------------------------------------------------------- host side
if [ "${SSTP_IN_VM:-0}" != 1 ]; then
	[ -x /usr/libexec/softether/vpnserver/vpnserver ] ||
	    t_skip "softether-vpnserver not installed (scripts/install-deps.sh)"
	. "$T_TOP/tests/vm/vm.sh"
	vm_need_pppd sstpcd sstpctl tests/vm/pppd-driver
	# A first boot tells "the VM cannot start here" from a failing test.
	out=$(cd "$T_DIR" && SSTP_VM_SHARE=none SSTP_VM_TIMEOUT=120 \
	    "$HERE/run-in-vm.sh" 'test -c /dev/ppp && echo vm-ok' 2>&1)
	case $out in
	*vm-ok*) ;;
	*) t_skip "the test VM does not start: $(printf '%s\n' "$out" | grep -v '^ *$' | tail -n 3 | tr '\n' ' ')" ;;
	esac
	t_info "VM boots; running the test inside"
	cd "$T_TOP" || t_fail "no $T_TOP"
	SSTP_VM_ENV="SSTPCD_BUILD T_KEEP" SSTPCD_BUILD=$BUILD \
	    SSTP_VM_SHARE=none SSTP_VM_TIMEOUT=780 \
	    "$HERE/run-in-vm.sh" "bash tests/vm/test-pppd-softether.sh"
	rc=$?
	case $rc in
	0) t_pass ;;
	77) exit 77 ;;
	124) t_fail "the VM timed out" ;;
	*) t_fail "the test failed inside the VM (exit $rc)" ;;
	esac
fi

# ---------------------------------------------------------------- guest side
. "$T_TOP/tests/lib/softether.sh"
. "$T_TOP/tests/lib/daemon.sh"
t_need_root
t_need_cmd socat ping pgrep
[ -c /dev/ppp ] || t_fail "no /dev/ppp in the VM"
export SSTPCD_PPPD_PLUGIN=$BUILD/ppp/plugin/sstpcd-pppd-plugin.so
# Debian's /etc/ppp/options says "auth": our "noauth" must override it, as it
# does for users; the overlay makes /etc writable and throw-away.
secs() { awk -v a="$1" -v b="${EPOCHREALTIME/,/.}" 'BEGIN{printf "%.1f", b - a}'; }
t0=${EPOCHREALTIME/,/.}

# 1. The engine alone against a peer pppd (MS-CHAPv2, PAP, a wrong password).
pns=${T_ID}p
t_netns_new "$pns"
printf '"bob" * "s3cret pass" *\n' > /etc/ppp/chap-secrets
printf '"bob" * "s3cret pass" *\n' > /etc/ppp/pap-secrets
drive() { # NAME AUTH REQUIRE PASSWORD [DRIVER-OPTION [PEER-OPTION]]
	local out=$T_DIR/drv-$1.out
	t_log "$out" "pppd-driver $1"
	"$BUILD/tests/vm/pppd-driver" -a "$2" -u bob -p "$4" -i "${T_ID}d" -t 60 ${5:-} -- \
	    ip netns exec "$pns" pppd %TTY% nodetach auth "$3" name srv local \
	    nolock noccp lcp-echo-interval 0 ${6:-} 10.9.0.1:10.9.0.2 \
	    >"$out" 2>&1 &
	DRV=$!
	t_cleanup _t_kill "$DRV" 5
}
# (We ask for IPv6CP; this peer has none and protocol-rejects it.)
drive ms mschap2 require-mschap-v2 "s3cret pass" "-6 -v" noipv6
t_wait_for 60 grep -q '^up\|^down' "$T_DIR/drv-ms.out" || t_fail "driver: no up in 60 s"
t_assert_match "$(cat "$T_DIR/drv-ms.out")" 'auth hlak=[0-9a-f]{64}' "MS-CHAPv2 gives a HLAK"
t_assert_match "$(cat "$T_DIR/drv-ms.out")" \
    "up ifname=${T_ID}d ifindex=[1-9][0-9]* local=10.9.0.2 remote=10.9.0.1 .*mtu=1400 .*auth=mschap2 ipv6=0" \
    "driver up line"
t_assert_match "$(cat "$T_DIR/drv-ms.out")" 'the peer rejected IPv6CP' "IPv6CP reject seen"
t_expect ping -c 2 -W 3 10.9.0.1
# Bulk data both ways through the engine's HDLC relay and pty buffers.
head -c 2000000 /dev/urandom > "$T_DIR/send.bin"
ip netns exec "$pns" socat -u TCP-LISTEN:5001,bind=10.9.0.1,reuseaddr \
    "OPEN:$T_DIR/recv.bin,creat,trunc" &
rcv=$!
t_cleanup _t_kill "$rcv" 2
listening() { ip netns exec "$pns" ss -Hltn "sport = :$1" | grep -q .; }
t_wait_for 10 listening 5001 || t_fail "no listener on 5001"
tb=${EPOCHREALTIME/,/.}
t_expect socat -u "OPEN:$T_DIR/send.bin" TCP:10.9.0.1:5001
wait "$rcv"
cmp -s "$T_DIR/send.bin" "$T_DIR/recv.bin" || t_fail "2 MB through the engine arrived damaged"
t_info "2 MB through the pppd engine in $(secs "$tb") s"
ip netns exec "$pns" socat -u "OPEN:$T_DIR/send.bin" TCP-LISTEN:5002,bind=10.9.0.1,reuseaddr &
snd=$!
t_cleanup _t_kill "$snd" 2
t_wait_for 10 listening 5002 || t_fail "no listener on 5002"
t_expect socat -u TCP:10.9.0.1:5002 "OPEN:$T_DIR/back.bin,creat,trunc"
wait "$snd"
cmp -s "$T_DIR/send.bin" "$T_DIR/back.bin" || t_fail "2 MB from the peer arrived damaged"
kill -TERM "$DRV"; wait "$DRV"
t_assert_match "$(cat "$T_DIR/drv-ms.out")" 'down reason=stopped' "orderly stop"
ip link show "${T_ID}d" >/dev/null 2>&1 && t_fail "driver: interface left after stop"
drive pap pap require-pap "s3cret pass" -6 +ipv6
t_wait_for 60 grep -q '^up\|^down' "$T_DIR/drv-pap.out" || t_fail "driver: no up with PAP"
t_assert_match "$(cat "$T_DIR/drv-pap.out")" 'auth hlak=none' "PAP gives no HLAK"
t_assert_match "$(cat "$T_DIR/drv-pap.out")" 'up .*auth=pap ipv6=1' "PAP up, with IPv6CP"
kill -TERM "$DRV"; wait "$DRV"
# A hung pppd: stop() sends SIGTERM, then SIGKILL after 5 s; nothing stays.
drive hang mschap2 require-mschap-v2 "s3cret pass"
t_wait_for 60 grep -q '^up\|^down' "$T_DIR/drv-hang.out" || t_fail "driver: no up (hang test)"
hung=$(pgrep -f "pppd .*ifname ${T_ID}d") || t_fail "no engine pppd to hang"
kill -STOP $hung
kill -TERM "$DRV"
t_wait_for 15 grep -q '^down' "$T_DIR/drv-hang.out" || t_fail "a hung pppd was not killed"
wait "$DRV"
t_assert_match "$(cat "$T_DIR/drv-hang.out")" 'down reason=pppd was killed by signal 9' "hung pppd killed"
kill -0 $hung 2>/dev/null && t_fail "hung pppd $hung still there"
ip link show "${T_ID}d" >/dev/null 2>&1 && t_fail "interface left after a hung pppd"
drive bad mschap2 require-mschap-v2 "wrong"
wait "$DRV"
# The peer pppd refuses and hangs up at once: ours exits 19, or 16 when the
# hangup wins the race; the reason says so either way.
t_assert_match "$(cat "$T_DIR/drv-bad.out")" \
    'down reason=(authentication failed|the link hung up) \(pppd exit (19|16)\)' "wrong password: readable reason"
pgrep -x pppd >/dev/null && t_fail "pppd left behind by the driver: $(pgrep -a pppd)"
t_info "engine against pppd: ok ($(secs "$t0") s)"

# 2. The real daemon and CLI against SoftEther.
softether_need
cns=${T_ID}c
t_netns_new "$cns"
softether_up a "$cns" ready_timeout=90
eval "$(softether_env a)"
t_info "SoftEther up ($(secs "$t0") s)"
d_start "$cns" "$T_DIR/d" -vv
ctl() { t_sstpctl "$@"; }
mon() { ctl /interface sstp-client monitor "$1" once | sed -n "s/^ *$2: //p" | head -1; }

common="connect-to=$SE_HOST user=$SE_USER password=$SE_PASSWORD ca-certificate=$SE_CA ppp-engine=pppd"
for auth in mschap2 pap; do
	n=pd-$auth
	t_expect ctl /interface sstp-client add name=$n $common authentication=$auth disabled=no
	up() { [ "$(mon $n status)" = connected ]; }
	t_wait_for 90 up || t_fail "$n not connected: $(ctl /interface sstp-client monitor $n once)"
	t_info "$n connected ($(secs "$t0") s)"
	m=$(ctl /interface sstp-client monitor $n once)
	t_assert_match "$m" 'ppp-engine: pppd' "$n runs on pppd"
	pgrep -f "pppd .*ifname $n" >/dev/null || t_fail "$n: no pppd process"

	# monitor shows what the kernel's ppp interface has.
	addr=$(ip -n "$cns" -o -4 addr show dev $n) || t_fail "$n: no interface"
	local_ip=$(printf '%s\n' "$addr" | sed -n 's/.* inet \([0-9.]*\) peer \([0-9.]*\).*/\1/p')
	remote_ip=$(printf '%s\n' "$addr" | sed -n 's/.* inet \([0-9.]*\) peer \([0-9.]*\).*/\2/p')
	mtu=$(ip -n "$cns" -o link show $n | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
	ip -n "$cns" -o link show $n | grep -q 'link/ppp' || t_fail "$n is not a ppp device"
	t_assert_eq "$(mon $n local-address)" "$local_ip" "$n local-address"
	t_assert_eq "$(mon $n remote-address)" "$remote_ip" "$n remote-address"
	t_assert_eq "$(mon $n mtu)" "$mtu" "$n mtu"
	t_assert_match "$local_ip" '^192\.168\.30\.' "$n address from SecureNAT"

	rx1=$(mon $n rx-packet)
	t_expect ip netns exec "$cns" ping -c 3 -i 0.3 -W 3 -I $n "$SE_VHOST"
	rx2=$(mon $n rx-packet)
	[ "$rx2" -ge $((rx1 + 3)) ] || t_fail "$n: rx-packet did not count the replies: $rx1 -> $rx2"

	if [ $auth = mschap2 ]; then
		# pppd killed under the tunnel: the interface goes, a readable
		# reason stays, the tunnel reconnects by itself.
		p1=$(pgrep -f "pppd .*ifname $n")
		kill -KILL $p1
		reason() { [[ $(mon $n last-disconnect-reason) == *pppd* ]]; }
		t_wait_for 20 reason || t_fail "$n: no reason after pppd died: $(ctl /interface sstp-client monitor $n once)"
		t_info "$n after kill -9: $(mon $n last-disconnect-reason)"
		t_wait_for 90 up || t_fail "$n did not reconnect after pppd died: $(ctl /interface sstp-client monitor $n once)"
		p2=$(pgrep -f "pppd .*ifname $n") || t_fail "$n: no pppd after reconnect"
		[ "$p1" != "$p2" ] || t_fail "$n: the same pppd after kill -9"
		t_expect ip netns exec "$cns" ping -c 2 -i 0.3 -W 3 -I $n "$SE_VHOST"
		t_info "$n reconnected ($(secs "$t0") s)"
	fi

	# Teardown: no pppd, no interface, no route, no plugin socket.
	t_expect ctl /interface sstp-client disable $n
	gone() { ! ip -n "$cns" link show $n >/dev/null 2>&1 && ! pgrep -f "pppd .*ifname $n" >/dev/null; }
	t_wait_for 15 gone || t_fail "$n: left after disable: $(ip -n "$cns" -o link show $n 2>&1) $(pgrep -af "pppd .*ifname $n")"
	t_assert_eq "$(mon $n status)" disabled "$n disabled"
	t_assert_eq "$(ip -n "$cns" route show | grep -c " dev $n")" 0 "$n: routes left"
	t_assert_eq "$(ls /run/sstpcd 2>/dev/null | grep -c "pppd-$n")" 0 "$n: plugin socket left"
	t_expect ctl /interface sstp-client remove $n
	t_info "$n torn down ($(secs "$t0") s)"
done

# A wrong password through pppd: a readable reason, and nothing left.
t_expect ctl /interface sstp-client add name=pd-bad $common password=Wrong-1 authentication=mschap2 disabled=no
bad() { [[ $(mon pd-bad last-disconnect-reason) == *authentic* ]]; }
t_wait_for 90 bad || t_fail "pd-bad: no authentication reason: $(ctl /interface sstp-client monitor pd-bad once)"
t_info "pd-bad reason: $(mon pd-bad last-disconnect-reason)"
t_expect ctl /interface sstp-client remove pd-bad
t_wait_for 15 eval '! pgrep -x pppd' || t_fail "pppd left: $(pgrep -a pppd)"
d_stop
pgrep -x pppd >/dev/null && t_fail "pppd outlived the daemon"
t_pass "pppd engine: driver, hang, MS-CHAPv2, kill -9 and reconnect, PAP, teardown ($(secs "$t0") s in the VM)"
