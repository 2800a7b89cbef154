#!/bin/bash
# test-builtin-softether.sh - the built-in PPP engine end to end: sstpcd and
# sstpctl against SoftEther (Debian's package, SecureNAT), each in its own
# namespace.  MS-CHAPv2 and PAP come up; the TUN interface has the negotiated
# MTU, the point-to-point address, an IPv6 link-local address and the
# configured routes; ping reaches SecureNAT's virtual host through it; wrong
# passwords give a clear status; disable and remove leave nothing behind.
# timeout: 300
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_cmd socat ping ip
t_need_build sstpcd sstpctl

d_with_softether -vvv

# mon NAME KEY: one field of 'monitor NAME once'.
mon() {
	d_ctl "/interface sstp-client monitor $1 once" |
	    sed -n "s/^ *$2: //p" | head -1
}
# wait_status NAME STATUS SECONDS
wait_status() {
	local n=$1 s=$2
	st() { [ "$(mon "$n" status)" = "$s" ]; }
	t_wait_for "$3" st || t_fail "$n not $s: $(d_ctl "/interface sstp-client monitor $n once")"
}
gone() { ! ip -n "$cns" link show "$1" >/dev/null 2>&1; }

common="connect-to=$SE_HOST user=$SE_USER ca-certificate=$SE_CA ppp-engine=builtin"

# MS-CHAPv2 with a route, an MTU cap and IPv6.
out=$(d_ctl "/interface sstp-client add name=bi-ms $common password=$SE_PASSWORD authentication=mschap2 max-mtu=1400 routes=10.123.0.0/16 ipv6=yes disabled=no")
t_assert_nomatch "$out" '%error' "add bi-ms accepted"
wait_status bi-ms connected 60
t_assert_eq "$(mon bi-ms mtu)" 1400 "negotiated mtu min(peer MRU, max-mtu)"
mtu=$(ip -n "$cns" -o link show bi-ms | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
t_assert_eq "$mtu" 1400 "device mtu"
a4=$(ip -n "$cns" -4 -o addr show dev bi-ms)
t_assert_match "$a4" 'inet 192\.168\.30\.[0-9]+ peer 192\.168\.30\.1/32' "point-to-point address from IPCP"
# SoftEther may answer IPv6CP late: the interface comes up with IPv4 first.
ll() { ip -n "$cns" -6 -o addr show dev bi-ms | grep -q 'inet6 fe80::'; }
t_wait_for 20 ll || t_fail "no IPv6 link-local address from IPv6CP"
t_assert_eq "$(ip -n "$cns" -6 -o addr show dev bi-ms | grep -c 'inet6 fe80::')" 1 "one link-local address (ours, not the kernel's)"
t_assert_match "$(ip -n "$cns" -4 route show 10.123.0.0/16)" 'dev bi-ms' "configured route through the tunnel"
t_assert_match "$(ip -n "$cns" -o link show bi-ms)" '[<,]UP[,>]' "device up"
t_expect ip netns exec "$cns" ping -c 3 -i 0.3 -W 3 -I bi-ms "$SE_VHOST" >/dev/null

# Disable: the device and the route go.
d_ctl '/interface sstp-client disable bi-ms' >/dev/null
t_wait_for 15 gone bi-ms || t_fail "bi-ms device left after disable"
t_assert_eq "$(ip -n "$cns" -4 route show 10.123.0.0/16)" "" "route removed"

# PAP (SoftEther offers EAP and MS-CHAPv2 first: our Naks lead it to PAP),
# without IPv6, with a short keepalive.
out=$(d_ctl "/interface sstp-client add name=bi-pap $common password=$SE_PASSWORD authentication=pap ipv6=no keepalive-timeout=1 disabled=no")
t_assert_nomatch "$out" '%error' "add bi-pap accepted"
wait_status bi-pap connected 60
# LCP echoes every second, dead after two misses: SoftEther answers them.
sleep 5
t_assert_eq "$(mon bi-pap status)" connected "bi-pap alive with 1 s LCP echoes"
t_assert_eq "$(ip -n "$cns" -6 -o addr show dev bi-pap | grep -c fe80)" 0 "ipv6=no: no link-local address"
t_expect ip netns exec "$cns" ping -c 2 -i 0.3 -W 3 -I bi-pap "$SE_VHOST" >/dev/null
# A server that stops answering: dead within a few keepalive periods.
kill -STOP "$SE_PID"
dead() { [ "$(mon bi-pap status)" != connected ]; }
t_wait_for 20 dead || { kill -CONT "$SE_PID"; t_fail "frozen server not detected"; }
kill -CONT "$SE_PID"
t_info "frozen server: $(mon bi-pap last-disconnect-reason)"
t_assert_match "$(mon bi-pap last-disconnect-reason)" 'echo|answer|respond' "dead peer reason"
d_ctl '/interface sstp-client disable bi-pap' >/dev/null
t_wait_for 15 gone bi-pap || t_fail "bi-pap device left after disable"

# Wrong passwords: a clear reason, no device.
d_ctl "/interface sstp-client add name=bi-bad2 $common password=Wrong-$SE_PASSWORD authentication=mschap2 disabled=no" \
    "/interface sstp-client add name=bi-badp $common password=Wrong-$SE_PASSWORD authentication=pap disabled=no" >/dev/null
r2() { [[ $(mon bi-bad2 last-disconnect-reason) == "authentication failed"*691* ]]; }
t_wait_for 60 r2 || t_fail "bi-bad2 reason: $(d_ctl '/interface sstp-client monitor bi-bad2 once')"
rp() { [[ $(mon bi-badp last-disconnect-reason) == "authentication failed"* ]]; }
t_wait_for 60 rp || t_fail "bi-badp reason: $(d_ctl '/interface sstp-client monitor bi-badp once')"
gone bi-bad2 || t_fail "bi-bad2 has a device"
gone bi-badp || t_fail "bi-badp has a device"

# Remove everything: no device, address or route left.
d_ctl '/interface sstp-client remove bi-ms' '/interface sstp-client remove bi-pap' \
    '/interface sstp-client remove bi-bad2' '/interface sstp-client remove bi-badp' >/dev/null
t_assert_eq "$(ip -n "$cns" -o link show | grep -c ' bi-')" 0 "devices left"
t_assert_eq "$(ip -n "$cns" route show | grep -c 'bi-')" 0 "routes left"
t_assert_eq "$(ip -n "$cns" -4 -o addr show | grep -c '192\.168\.30\.')" 0 "addresses left"
d_stop

# With -vvv the log dumps packets, never the password, in text or hex.
grep -qF -- "$SE_PASSWORD" "$D_LOG" && t_fail "the password is in the log"
pw_hex=$(printf %s "$SE_PASSWORD" | od -An -tx1 | tr -d ' \n')
dump=$(sed -n 's/.* [0-9a-f]\{4\}: //p' "$D_LOG" | tr -d ' \n')
[ -n "$dump" ] || t_fail "no hex dump at -vvv"
[[ $dump == *"$pw_hex"* ]] && t_fail "the password is in a hex dump"
grep -q 'ppp out pap request (.*not dumped)' "$D_LOG" || t_fail "no PAP request logged at -vvv"
t_pass
