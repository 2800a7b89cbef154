#!/bin/bash
# test-strict-binding.sh - the real sstpcd and sstpctl against
# sstp-testserver, which checks the SSTP crypto binding the way accel-ppp
# and Ideco UTM do (nonce, certificate hash, compound MAC keyed by the
# MS-CHAPv2 HLAK, Call Connected before any IPCP): offering SHA-256 only,
# then SHA-1 only (MikroTik), each tunnel reaches connected, the server
# logs "binding ok <hash>", and a ping crosses the tunnel.  A PAP tunnel
# (zero HLAK) and a server offering both hashes (SHA-256 chosen) too.
# timeout: 150
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/testserver.sh"
ts_need
t_need_cmd ping nm

cns=${T_ID}c
t_netns_new "$cns"
ts_setup "$cns"
ts_start s256 4431 --hash sha256 --auth mschap2 --timeout 20 \
    --local-ip 172.30.1.1 --peer-ip 172.30.1.2
ts_start s1 4432 --hash sha1 --auth mschap2 --timeout 20 \
    --local-ip 172.30.2.1 --peer-ip 172.30.2.2
ts_start pap 4433 --hash sha256 --auth pap --timeout 20 \
    --local-ip 172.30.3.1 --peer-ip 172.30.3.2
ts_start both 4434 --hash both --auth mschap2 --timeout 20 \
    --local-ip 172.30.4.1 --peer-ip 172.30.4.2
d_start "$cns" "$T_DIR/d" -vv
engine=$(ts_engine)
t_info "ppp-engine=$engine"

common="connect-to=$TS_HOST user=$TS_USER password=$TS_PASSWORD ca-certificate=$TS_CA ppp-engine=$engine disabled=no"
out=$(ts_ctl '/interface sstp-client' \
    "add name=sb256 port=4431 $common" \
    "add name=sb1 port=4432 $common" \
    "add name=sbpap port=4433 authentication=pap $common" \
    "add name=sbboth port=4434 $common")
t_assert_eq "$out" "" "adds print nothing"

# A server offering both hashes gets SHA-256 (MS-SSTP: the stronger one).
for pair in sb256:s256:sha256:172.30.1 sb1:s1:sha1:172.30.2 \
    sbpap:pap:sha256:172.30.3 sbboth:both:sha256:172.30.4; do
	IFS=: read -r ifn tag hash net <<<"$pair"
	up() { [ "$(ts_mon "$ifn" status)" = connected ]; }
	t_wait_for 45 up || t_fail "$ifn not connected: $(t_sstpctl /interface sstp-client monitor "$ifn" once)"
	ts_wait_log "$tag" 5 "binding ok $hash" ||
	    t_fail "server $tag did not log 'binding ok $hash': $(ts_log "$tag")"
	if grep -Eq 'binding (bad|late|early|missing)' "$T_DIR/ts-$tag.log"; then
		t_fail "server $tag saw a bad binding: $(ts_log "$tag")"
	fi
	t_assert_eq "$(ts_mon "$ifn" local-address)" "$net.2" "$ifn local-address"
	t_assert_eq "$(ts_mon "$ifn" remote-address)" "$net.1" "$ifn remote-address"
	t_expect ip netns exec "$cns" ping -c 2 -i 0.3 -W 2 -I "$ifn" "$net.1" >/dev/null
done
grep -q 'auth ok mschap2 user=' "$T_DIR/ts-s256.log" || t_fail "s256 did not use MS-CHAPv2"
grep -q 'auth ok pap user=' "$T_DIR/ts-pap.log" || t_fail "pap did not use PAP"

# Still connected after the pings (a strict server would have aborted).
sleep 2
for ifn in sb256 sb1 sbpap sbboth; do
	t_assert_eq "$(ts_mon "$ifn" status)" connected "$ifn still connected"
done
ts_ctl '/interface sstp-client disable sb256,sb1,sbpap,sbboth' >/dev/null
ts_wait_log s256 10 'call disconnect' || t_fail "no orderly Call Disconnect on disable"
d_stop
t_pass
