#!/bin/bash
# test-stale-routes.sh - sstpcd killed with SIGKILL while its tunnel is up
# leaves its routes behind (the host route to the server stays; the device
# routes go with the TUN).  Every route sstpcd adds carries protocol 157, and
# the next start removes the stale ones of that protocol in its namespace,
# and nothing else; the tunnel comes back, and an orderly stop leaves no
# route of protocol 157.
# timeout: 300
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_cmd socat
t_need_build sstpcd

cns=${T_ID}c
t_netns_new "$cns"
softether_up a "$cns"
eval "$(softether_env a)"

# The server on a second address, reached through a gateway: then sstpcd
# adds a host route to it (an on-link server needs none).
alt=${SE_HOST/10.99./10.98.}
sveth=$(ip -n "$SE_NS" -o link show type veth | awk -F': ' '{print $2}' | sed 's/@.*//' | head -1)
[ -n "$sveth" ] || t_fail "no veth in the server namespace"
ip -n "$SE_NS" addr add "$alt/32" dev "$sveth" || t_fail "cannot add $alt"
ip -n "$cns" route add "${alt%.*}.0/24" via "$SE_HOST" || t_fail "cannot route to $alt"

# Somebody else's route, and one a killed sstpcd left long ago.
ip -n "$cns" route add 203.0.113.0/24 via "$SE_HOST" proto static
ip -n "$cns" route add 198.51.100.0/24 via "$SE_HOST" proto 157

d_start "$cns" "$T_DIR/d" -vv
out=$(d_ctl "/interface sstp-client add name=se-st connect-to=$alt:$SE_PORT user=$SE_USER password=$SE_PASSWORD ca-certificate=$SE_CA verify-server-address-from-certificate=no ppp-engine=builtin ipv6=no add-default-route=yes routes=192.168.30.0/24 disabled=no")
t_assert_nomatch "$out" '%error' "add accepted"
up() { [ "$(d_mon se-st status)" = connected ]; }
t_wait_for 60 up || t_fail "se-st not connected: $(d_ctl '/interface sstp-client monitor se-st once')"

r=$(ip -n "$cns" route show proto 157)
t_assert_match "$r" "$alt via $SE_HOST" "host route to the server, protocol 157"
t_assert_match "$r" 'default dev se-st' "default route, protocol 157"
t_assert_match "$r" '192.168.30.0/24 dev se-st' "routes= prefix, protocol 157"
t_assert_nomatch "$r" '198.51.100' "the stale route removed at start"
t_assert_match "$(ip -n "$cns" route show 203.0.113.0/24)" "via $SE_HOST" "another's route kept"

# kill -9: the host route stays behind.
kill -KILL "$T_SSTPCD_PID"
wait "$T_SSTPCD_PID" 2>/dev/null
gone() { ! ip -n "$cns" link show se-st; }
t_wait_for 10 gone || t_fail "se-st device left after SIGKILL"
t_assert_match "$(ip -n "$cns" route show proto 157)" "$alt via $SE_HOST" "stale host route after SIGKILL"

# Restart: the stale route goes, the tunnel comes back with its own.
d_start "$cns" "$T_DIR/d" -vv
t_wait_for 60 up || t_fail "se-st not connected after restart: $(d_ctl '/interface sstp-client monitor se-st once')"
grep -q 'route=stale-del .*'"$alt" "$D_LOG" || t_fail "the stale host route was not removed at start"
r=$(ip -n "$cns" route show proto 157)
t_assert_eq "$(grep -c "^$alt " <<<"$r")" 1 "one host route to the server"
t_assert_match "$r" 'default dev se-st' "default route again"
t_assert_match "$(ip -n "$cns" route show 203.0.113.0/24)" "via $SE_HOST" "another's route still kept"

# The route is ours again: an orderly stop removes everything of ours.
d_stop
t_assert_eq "$(ip -n "$cns" route show proto 157)" "" "no route of protocol 157 after SIGTERM"
t_assert_eq "$(ip -n "$cns" -6 route show proto 157)" "" "no IPv6 route of protocol 157"
t_pass
