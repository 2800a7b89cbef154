#!/bin/bash
# test-daemon-softether.sh - three interfaces of one sstpcd to the SoftEther
# peer at once: one disabled, one with a wrong password (a clear status, the
# others unaffected), one up; uptime grows, idle-time resets with traffic,
# mtu is the negotiated one, counters move, and removal leaves nothing.
# timeout: 300
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_cmd socat ping
t_need_build sstpcd

d_with_softether -vv

common="connect-to=$SE_HOST user=$SE_USER ca-certificate=$SE_CA ppp-engine=builtin"
out=$(d_ctl '/interface sstp-client' \
    "add name=se-off $common password=$SE_PASSWORD" \
    "add name=se-bad $common password=Wrong-$SE_PASSWORD disabled=no" \
    "add name=se-up $common password=$SE_PASSWORD disabled=no ipv6=no")
t_assert_nomatch "$out" '%error' "adds accepted"

up() { [ "$(d_mon se-up status)" = connected ]; }
t_wait_for 60 up || t_fail "se-up not connected: $(d_ctl '/interface sstp-client monitor se-up once')"
badst() { [[ $(d_mon se-bad last-disconnect-reason) == *authentication* ]]; }
t_wait_for 60 badst || t_fail "se-bad gives no authentication reason: $(d_ctl '/interface sstp-client monitor se-bad once')"
st=$(d_mon se-bad status)
t_assert_match "$st" '^(authentication failed|waiting|connecting|negotiating|authenticating)$' "se-bad status"
t_assert_eq "$(d_mon se-off status)" disabled "se-off status"
t_assert_eq "$(d_mon se-up status)" connected "se-up unaffected by se-bad"

# The interface: there, with the negotiated MTU.
ip -n "$cns" link show se-up >/dev/null 2>&1 || t_fail "no se-up device"
mtu=$(ip -n "$cns" -o link show se-up | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
t_assert_eq "$(d_mon se-up mtu)" "$mtu" "monitor mtu = the device's"
ip -n "$cns" link show se-off >/dev/null 2>&1 && t_fail "disabled se-off has a device"

# uptime grows; idle-time grows without traffic and resets with it (se-up
# runs without IPv6, whose router solicitations would count as traffic).
u1=$(d_secs "$(d_mon se-up uptime)")
sleep 3
u2=$(d_secs "$(d_mon se-up uptime)")
[ "$u2" -ge $((u1 + 2)) ] || t_fail "uptime did not grow: $u1 -> $u2"
# (the kernel's own first packets on a new link may come first: wait them out)
idle2() { [ "$(d_secs "$(d_mon se-up idle-time)")" -ge 2 ]; }
t_wait_for 20 idle2 || t_fail "idle-time does not grow: $(d_mon se-up idle-time)"
rx1=$(d_mon se-up rx-packet)
t_expect ip netns exec "$cns" ping -c 3 -i 0.3 -W 2 -I se-up "$SE_VHOST" >/dev/null
i2=$(d_secs "$(d_mon se-up idle-time)")
[ "$i2" -le 1 ] || t_fail "idle-time not reset by traffic: $i2"
rx2=$(d_mon se-up rx-packet)
[ "$rx2" -ge $((rx1 + 3)) ] || t_fail "rx-packet did not count the replies: $rx1 -> $rx2"
t_assert_match "$(d_mon se-up encoding)" 'TLS' "encoding names TLS"

# SSTP sessions on the server.
sessions() { softether_sessions a; }

# Restart: SIGTERM stops the tunnels in order (the server has no session
# left), the saved file brings all three back as they were.
[ "$(sessions)" -ge 1 ] || t_fail "the server sees no session for se-up"
d_stop
ip -n "$cns" link show se-up >/dev/null 2>&1 && t_fail "se-up device left after SIGTERM"
nosess() { [ "$(sessions)" = 0 ]; }
t_wait_for 10 nosess || t_fail "server still holds $(sessions) session(s) after SIGTERM"
d_start "$cns" "$T_DIR/d" -vv
t_wait_for 60 up || t_fail "se-up not connected after restart"
t_assert_eq "$(d_mon se-off status)" disabled "se-off after restart"
t_wait_for 60 badst || t_fail "se-bad after restart: $(d_mon se-bad status)"

# Disable: orderly, nothing left; the others keep their state.
d_ctl '/interface sstp-client disable se-up' >/dev/null
down() { ! ip -n "$cns" link show se-up >/dev/null 2>&1; }
t_wait_for 10 down || t_fail "se-up device left after disable"
dis() { [ "$(d_mon se-up status)" = disabled ]; }
t_wait_for 10 dis || t_fail "se-up not disabled: $(d_mon se-up status)"
t_assert_eq "$(d_mon se-up last-disconnect-reason)" disabled "reason of the stop"
t_assert_eq "$(d_mon se-bad status)" "authentication failed" "se-bad still failing"
[ "$(d_mon se-up link-downs)" -ge 1 ] || t_fail "link-downs not counted"

# Dial on demand: a placeholder device with the routes; a packet dials.
d_ctl "/interface sstp-client add name=se-dod $common password=$SE_PASSWORD ipv6=no dial-on-demand=yes routes=192.168.30.0/24 disabled=no" >/dev/null
dod() { [ "$(d_mon se-dod status)" = dial-on-demand ]; }
t_wait_for 10 dod || t_fail "se-dod not waiting for traffic: $(d_mon se-dod status)"
ip -n "$cns" link show se-dod >/dev/null 2>&1 || t_fail "no placeholder device"
t_assert_match "$(ip -n "$cns" route show 192.168.30.0/24)" 'dev se-dod' "placeholder route"
ip netns exec "$cns" ping -c 1 -W 1 "$SE_VHOST" >/dev/null 2>&1	# lost: it dials
dodup() { [ "$(d_mon se-dod status)" = connected ]; }
t_wait_for 60 dodup || t_fail "traffic did not dial se-dod: $(d_ctl '/interface sstp-client monitor se-dod once')"
t_expect ip netns exec "$cns" ping -c 2 -i 0.3 -W 2 "$SE_VHOST" >/dev/null
t_assert_match "$(ip -n "$cns" route show 192.168.30.0/24)" 'dev se-dod' "route once up"

d_ctl '/interface sstp-client remove se-dod' \
    '/interface sstp-client remove se-bad' \
    '/interface sstp-client remove se-off' \
    '/interface sstp-client remove se-up' >/dev/null
t_assert_eq "$(ip -n "$cns" -o link show | grep -c ' se-')" 0 "devices left"
d_stop
t_pass
