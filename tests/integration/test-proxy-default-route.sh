#!/bin/bash
# test-proxy-default-route.sh - a branch office behind an HTTP proxy reached
# through its gateway, with add-default-route=yes: the TCP connection goes
# to the proxy, not to the server, so the host route that keeps the tunnel
# from routing itself must be to the proxy.  Without it the new default
# route through the tunnel captures the proxy's traffic and the tunnel dies.
# timeout: 300
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/proxy.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
proxy_need
t_need_cmd socat ping
t_need_build sstpcd

cns=${T_ID}c
t_netns_new "$cns"
softether_up a "$cns"
eval "$(softether_env a)"

# The proxy on a second address of the server's namespace, reached only
# through the client's gateway (its default route, metric 100 as a DHCP
# client would set it).
alt=${SE_HOST/10.99./10.98.}
sveth=$(ip -n "$SE_NS" -o link show type veth | awk -F': ' '{print $2}' | sed 's/@.*//' | head -1)
[ -n "$sveth" ] || t_fail "no veth in the server namespace"
ip -n "$SE_NS" addr add "$alt/32" dev "$sveth" || t_fail "cannot add $alt"
ip -n "$cns" route add default via "$SE_HOST" metric 100 || t_fail "no default route"
proxy_up px "$SE_NS" "$alt:3128" auth user=alice password=Al1ce-pw

d_start "$cns" "$T_DIR/d" -vv
out=$(d_ctl "/interface sstp-client add name=br connect-to=$SE_HOST user=$SE_USER password=$SE_PASSWORD ca-certificate=$SE_CA http-proxy=$alt proxy-port=3128 proxy-user=alice proxy-password=Al1ce-pw ppp-engine=builtin ipv6=no add-default-route=yes default-route-distance=1 disabled=no")
t_assert_nomatch "$out" '%error' "add accepted"
up() { [ "$(d_mon br status)" = connected ]; }
t_wait_for 60 up || t_fail "br not connected: $(d_ctl '/interface sstp-client monitor br once')"

r=$(ip -n "$cns" route show proto 157)
t_assert_match "$r" "$alt via $SE_HOST" "host route to the proxy through the old gateway"
t_assert_match "$r" 'default dev br .*metric 1' "default route through the tunnel"
t_assert_match "$(ip -n "$cns" route get 192.0.2.1)" 'dev br' "other traffic goes into the tunnel"

# The tunnel carries traffic and stays up.
t_ns "$cns" ping -c 3 -i 0.3 -W 2 "$SE_VHOST" >/dev/null || t_fail "no ping through the tunnel"
sleep 3
t_assert_eq "$(d_mon br status)" connected "still connected"
t_assert_eq "$(d_mon br link-downs)" 0 "no link-down"
t_assert_eq "$(d_mon br route-error)" "" "no route error"

d_ctl "/interface sstp-client disable br" >/dev/null
gone() { ! ip -n "$cns" link show br >/dev/null 2>&1; }
t_wait_for 10 gone || t_fail "br device left after disable"
t_assert_eq "$(ip -n "$cns" route show proto 157)" "" "no route of ours after disable"
t_assert_match "$(ip -n "$cns" route show default)" "via $SE_HOST" "the gateway's default route kept"

# A default route the kernel refuses (the gateway's has the same metric)
# shows in monitor, not only in the log; the tunnel itself stays up.
d_ctl "/interface sstp-client set br default-route-distance=100 disabled=no" >/dev/null
t_wait_for 60 up || t_fail "br not connected again: $(d_ctl '/interface sstp-client monitor br once')"
t_assert_match "$(d_mon br route-error)" '^default route: ' "route-error names the default route"
d_ctl "/interface sstp-client disable br" >/dev/null
t_wait_for 10 gone || t_fail "br device left after the second disable"
d_stop
t_pass
