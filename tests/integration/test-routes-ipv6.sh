#!/bin/bash
# test-routes-ipv6.sh - routes= with IPv4 and IPv6 prefixes (site to site)
# through the built-in engine to SoftEther.  IPv6CP opens after the
# interface is up (SoftEther answers it after IPCP), while the device still
# has IPv6 off: the IPv6 prefixes must be added once IPv6CP opens, not
# tried (and refused by the kernel) at IPv4 up and forgotten.  All of them
# go on disable.
# timeout: 300
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_cmd socat
t_need_build sstpcd

d_with_softether -vv
out=$(d_ctl "/interface sstp-client add name=s2s connect-to=$SE_HOST user=$SE_USER password=$SE_PASSWORD ca-certificate=$SE_CA ppp-engine=builtin ipv6=yes routes=10.70.0.0/16,fd00:70::/64,10.80.1.5 default-route-distance=7 disabled=no")
t_assert_nomatch "$out" '%error' "add accepted"
up() { [ "$(d_mon s2s status)" = connected ]; }
t_wait_for 60 up || t_fail "s2s not connected: $(d_ctl '/interface sstp-client monitor s2s once')"
v6() { [ -n "$(d_mon s2s local-ipv6-address)" ]; }
t_wait_for 10 v6 || t_fail "IPv6CP did not open: $(d_ctl '/interface sstp-client monitor s2s once')"

r=$(ip -n "$cns" route show proto 157)
t_assert_match "$r" '10.70.0.0/16 dev s2s .*metric 7' "IPv4 prefix route"
t_assert_match "$r" '10.80.1.5 dev s2s .*metric 7' "IPv4 host route"
r6() { ip -n "$cns" -6 route show proto 157 | grep -q '^fd00:70::/64 dev s2s .*metric 7'; }
t_wait_for 5 r6 || t_fail "no IPv6 route fd00:70::/64: $(ip -n "$cns" -6 route show dev s2s)"
grep -q 'route fd00:70::/64: cannot add' "$D_LOG" && t_fail "the IPv6 route was tried before IPv6CP opened"

d_ctl "/interface sstp-client disable s2s" >/dev/null
gone() { ! ip -n "$cns" link show s2s >/dev/null 2>&1; }
t_wait_for 10 gone || t_fail "s2s device left after disable"
t_assert_eq "$(ip -n "$cns" route show proto 157)" "" "no IPv4 route of ours after disable"
t_assert_eq "$(ip -n "$cns" -6 route show proto 157)" "" "no IPv6 route of ours after disable"
d_stop
t_pass
