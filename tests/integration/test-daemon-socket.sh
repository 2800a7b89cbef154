#!/bin/bash
# test-daemon-socket.sh - drive sstpcd's command socket with nothing but socat:
# greeting, framing, tags, errors, monitor once and streaming, add/remove,
# and a read-only group member refused a change.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"

t_need_netns
t_need_cmd socat setpriv
t_need_build sstpcd

NS=${T_ID}d
t_netns_new "$NS"
# The socket's directory must be passable for the unprivileged client below.
chmod 711 "$T_DIR"
mkdir -m 711 "$T_DIR/d"
d_start "$NS" "$T_DIR/d" --group nogroup -vv
SOCK=$T_SSTPCD_SOCK


# The socket: a socket, mode 0660, group nogroup.
t_assert_eq "$(stat -c '%F %a %G' "$SOCK")" "socket 660 nogroup" "socket mode"

out=$(d_ctl '/interface sstp-client print')
t_assert_match "$out" $'^%sstpcd 1 [0-9][^\n]*\n%begin 1\n' "greeting then %begin 1"
t_assert_match "$out" $'\n%end 1$' "reply ends with %end 1"

# Add, with a tag; then the item is there, and monitor once shows it.
out=$(d_ctl '@add1 /interface sstp-client add name=sock1 connect-to=192.0.2.1 user=u password=Secret-9')
t_assert_match "$out" $'\n%begin add1\n(.*\n)?%end add1$' "tagged add"
out=$(d_ctl '/interface sstp-client print' '@m /interface sstp-client monitor sock1 once')
t_assert_match "$out" $'%begin 1\n.*sock1.*\n%end 1\n%begin m\n' "print then monitor"
t_assert_match "$out" 'status: disabled' "monitor shows the status"
t_assert_match "$out" $'\n%end m$' "monitor once ends"
t_assert_nomatch "$out" 'Secret-9' "print hides the password"

# Errors: one %error line with the request's number, and the session goes on.
out=$(d_ctl 'frobnicate' '/interface sstp-client print count-only')
t_assert_match "$out" $'\n%error 1 [^\n]+\n%begin 2\n' "error then the next request"
out=$(d_ctl '@x /interface sstp-client add name=sock1 connect-to=192.0.2.2 user=u')
t_assert_match "$out" $'\n%error x [^\n]*sock1' "duplicate name refused"
out=$(printf 'pr\001int\n/interface sstp-client print\n' | socat -t 5 - "UNIX-CONNECT:$SOCK")
t_assert_match "$out" $'\n%error 1 control character' "control byte refused"
t_assert_match "$out" $'\n%end 2$' "the session survives"

# Streaming monitor: %update blocks until any line, then %end.
out=$( { echo '@s /interface sstp-client monitor sock1'; sleep 2.6; echo; sleep 0.5; } |
    socat -t 5 - "UNIX-CONNECT:$SOCK")
t_assert_match "$out" $'\n%begin s\n' "stream begins"
n=$(grep -c '^%update s$' <<<"$out")
[ "$n" -ge 2 ] || t_fail "expected at least 2 %update s, got $n: $out"
t_assert_match "$out" $'\n%end s$' "stream ends on a line"

# Read-only: a member of the socket's group may print, not change.
out=$(printf '%s\n' '/interface sstp-client print' \
    '/interface sstp-client remove sock1' |
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    socat -t 5 - "UNIX-CONNECT:$SOCK")
t_assert_match "$out" $'%begin 1\n.*sock1' "read-only print works"
t_assert_match "$out" $'\n%error 2 ' "read-only remove refused"
out=$(d_ctl '/interface sstp-client print count-only')
t_assert_match "$out" $'%begin 1\n1\n%end 1' "still one interface"

# Someone outside the group cannot even connect.
if setpriv --reuid=65534 --regid=65533 --clear-groups \
    socat -t 2 - "UNIX-CONNECT:$SOCK" </dev/null >/dev/null 2>&1; then
	t_fail "a user outside the group connected"
fi

# Remove, and the list is empty.
out=$(d_ctl '/interface sstp-client remove sock1' '/interface sstp-client print count-only')
t_assert_match "$out" $'%end 1\n%begin 2\n0\n%end 2$' "removed"

# Garbage (random bytes, over-long lines, a client that vanishes mid-line):
# %error replies, never a crash.
head -c 300000 /dev/urandom | socat -t 5 - "UNIX-CONNECT:$SOCK" >"$T_DIR/garbage.out" 2>&1
grep -q '^%error ' "$T_DIR/garbage.out" || t_fail "no %error for garbage"
printf '/interface sstp-client pri' | socat -t 1 - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
for i in 1 2 3 4 5; do
	socat -u OPEN:/dev/zero "UNIX-CONNECT:$SOCK" >/dev/null 2>&1 &
	p=$!
	sleep 0.2
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
out=$(d_ctl '/interface sstp-client print count-only')
t_assert_match "$out" $'%begin 1\n0\n%end 1' "answers after garbage"

# The daemon is alive and answers after all that.
kill -0 "$T_SSTPCD_PID" || t_fail "sstpcd died"
d_stop
[ -e "$SOCK" ] && t_fail "socket left behind"
t_pass
