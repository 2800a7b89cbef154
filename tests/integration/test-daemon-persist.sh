#!/bin/bash
# test-daemon-persist.sh - sstpcd saves every change (atomically, 0600, in the
# export format), restores it on restart, and refuses a corrupt file with its
# line number, keeping it aside and starting empty.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"

t_need_netns
t_need_cmd socat
t_need_build sstpcd

NS=${T_ID}p
t_netns_new "$NS"
D=$T_DIR/d
CONF=$D/sstpcd.conf


d_start "$NS" "$D"
out=$(d_ctl '/interface sstp-client' \
    'add name=keep1 connect-to=192.0.2.1 user=alice password="pa ss\"1" comment="first one"' \
    'add name=keep2 connect-to=vpn.example.test port=8443 user=bob password=x2 keepalive-timeout=disabled' \
    'add connect-to=192.0.2.3 user=carol' \
    'set keep2 max-mtu=1400')
t_assert_nomatch "$out" '%error' "adds accepted"
[ -f "$CONF" ] || t_fail "no configuration file written"
t_assert_eq "$(stat -c %a "$CONF")" 600 "file mode"
grep -q 'name=keep1' "$CONF" || t_fail "keep1 not saved"
grep -q 'max-mtu=1400' "$CONF" || t_fail "set not saved"
ls "$D" | grep -q '\.tmp' && t_fail "temporary file left"
before=$(d_ctl '/interface sstp-client print detail show-sensitive' | grep -v '^%sstpcd')

# Restart: the same interfaces, in the same order, with the same values.
d_stop
saved=$(cat "$CONF")
d_start "$NS" "$D"
after=$(d_ctl '/interface sstp-client print detail show-sensitive' | grep -v '^%sstpcd')
t_assert_eq "$after" "$before" "print detail after restart"
t_assert_match "$after" 'sstp-out1' "generated name restored"
t_assert_eq "$(cat "$CONF")" "$saved" "replay does not rewrite the file"

# Removing one is saved too.
d_ctl '/interface sstp-client remove keep1' >/dev/null
grep -q 'name=keep1' "$CONF" && t_fail "removed interface still saved"
d_stop

# A corrupt file: refused with its line number, kept aside, daemon starts empty.
n=$(wc -l <"$CONF")
echo 'add nme=oops connect-to=192.0.2.9' >>"$CONF"
bad=$(cat "$CONF")
d_start "$NS" "$D"
log=$(cat "$D/sstpcd.log")
t_assert_match "$log" "line $((n + 1))" "log names the bad line"
aside=$(ls "$D" | grep '^sstpcd\.conf\.corrupt-' | head -1)
[ -n "$aside" ] || t_fail "corrupt file not kept aside"
t_assert_eq "$(cat "$D/$aside")" "$bad" "kept copy is the file as it was"
out=$(d_ctl '/interface sstp-client print count-only')
t_assert_match "$out" $'%begin 1\n0\n%end 1' "started with no interfaces"

# The next change writes a fresh file and leaves the kept copy alone.
d_ctl '/interface sstp-client add name=fresh connect-to=192.0.2.4 user=dave' >/dev/null
grep -q 'name=fresh' "$CONF" || t_fail "fresh file not written"
t_assert_eq "$(cat "$D/$aside")" "$bad" "kept copy untouched"

# kill -9 leaves a whole file behind.
kill -KILL "$T_SSTPCD_PID"
wait "$T_SSTPCD_PID" 2>/dev/null
d_start "$NS" "$D"
out=$(d_ctl '/interface sstp-client print count-only')
t_assert_match "$out" $'%begin 1\n1\n%end 1' "restored after kill -9"
t_pass
