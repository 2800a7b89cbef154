#!/bin/bash
# test-cli.sh - the real sstpctl against the real sstpcd: the seed's commands
# verbatim, print/detail/terse/as-value/json/export shapes, errors that point
# at the word, script mode and exit statuses, and an export replayed into a
# second daemon.  The daemons run in their own namespace (only lo), so the
# seed's 10.1.101.1 is unreachable and nothing leaves the machine.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"

t_need_netns
t_need_build sstpcd sstpctl

NS=${T_ID}cli
t_netns_new "$NS"
d_start "$NS" "$T_DIR/d1"
SOCK1=$T_SSTPCD_SOCK
C=("$BUILD/sstpctl" --socket "$SOCK1")

# --- the seed, verbatim -------------------------------------------------
out=$(t_expect "${C[@]}" /interface sstp-client add user=sstp-test password=123 connect-to=10.1.101.1 disabled=no)
t_assert_eq "$out" "" "add prints nothing"

out=$(t_expect "${C[@]}" /interface sstp-client print)
t_assert_match "$out" $'^Flags: X - disabled; R - running\n 0 ' "print header and item 0"
t_assert_match "$out" 'name="sstp-out1"' "default name sstp-out1"
t_assert_match "$out" 'connect-to=10\.1\.101\.1 ' "connect-to"
t_assert_match "$out" 'user="sstp-test"' "user"
t_assert_match "$out" 'password="\*{8}"' "password masked"
t_assert_nomatch "$out" 'password="123"' "no password in print"
t_assert_nomatch "$out" $'\n 0 X' "item 0 is enabled"
while IFS= read -r l; do
	[ ${#l} -le 79 ] || t_fail "print line longer than 79: $l"
done <<<"$out"

# monitor 0 streams until interrupted; blocks follow one another.
out=$(timeout --preserve-status -s INT 3.5 "${C[@]}" /interface sstp-client monitor 0)
rc=$?
t_assert_eq "$rc" 0 "monitor ends cleanly on SIGINT"
n=$(grep -c '^ *status: ' <<<"$out")
[ "$n" -ge 3 ] || t_fail "monitor drew $n blocks in 3.5 s, expected 3 or more: $out"
t_assert_match "$out" 'link-downs: [0-9]+' "monitor counters"

out=$(t_expect "${C[@]}" /interface sstp-client monitor 0 once)
t_assert_match "$out" '^ +status: [a-z-]+' "monitor once: status first, right-aligned"
t_assert_match "$out" $'\n +rx-byte: [0-9]+\n' "rx-byte"
t_assert_eq "$(grep -c 'status:' <<<"$out")" 1 "once is one block"
# Keys right-aligned: every ':' in the same column.
t_assert_eq "$(awk -F': ' '{print length($1)}' <<<"$out" | sort -u | wc -l)" 1 "one key column"

# --- more items, shapes -------------------------------------------------
t_expect "${C[@]}" /interface sstp-client add name=office user=u connect-to=vpn.example.com \
    comment="branch office" routes=10.20.0.0/16 >/dev/null
t_expect "${C[@]}" /interface sstp-client add name=spare user=s connect-to=192.0.2.9 port=8443 >/dev/null

out=$(t_expect "${C[@]}" /interface sstp-client print detail)
t_assert_match "$out" $'\n 1 X  ;;; branch office\n      name="office"' "detail: comment line"
for p in ppp-engine use-peer-dns routes ipv6 ppp-scripts ppp-scripts-dir keepalive-timeout \
    verify-server-certificate verify-server-address-from-certificate mrru profile authentication; do
	t_assert_match "$out" " $p=" "detail shows $p"
done
t_assert_match "$out" 'routes=10\.20\.0\.0/16' "routes value"

out=$(t_expect "${C[@]}" /interface sstp-client print terse)
t_assert_eq "$(wc -l <<<"$out")" 3 "terse: one line per item"
t_assert_match "$out" '^ 0    name=sstp-out1 comment="" disabled=no connect-to=10\.1\.101\.1 port=443 ' "terse line 0"
t_assert_match "$out" $'\n 2 X  name=spare .* port=8443 ' "terse line 2"

out=$(t_expect "${C[@]}" /interface sstp-client print count-only where disabled)
t_assert_eq "$out" 2 "count-only where disabled"
# One argument is the whole line as written, quotes kept (as with ssh).
out=$(t_expect "${C[@]}" '/interface sstp-client print count-only where disabled')
t_assert_eq "$out" 2 "one-argument command line"
out=$(t_expect "${C[@]}" /interface sstp-client print as-value proplist=name,port where name~"^sp")
t_assert_match "$out" '^\.id=\*[0-9A-F]+;name=spare;port=8443;running=no$' "as-value"
out=$(t_expect "${C[@]}" /interface sstp-client print json)
if command -v python3 >/dev/null; then
	n=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d[1]["name"], d[1]["comment"], d[0]["password"])' <<<"$out") ||
	    t_fail "print json is not JSON: $out"
	t_assert_eq "$n" "3 office branch office ********" "json content"
fi

# export: compact, sorted, no secrets; show-sensitive; verbose; terse.
out=$(t_expect "${C[@]}" /export)
t_assert_eq "$out" '/interface sstp-client
add connect-to=10.1.101.1 disabled=no name=sstp-out1 user=sstp-test
add comment="branch office" connect-to=vpn.example.com name=office routes=10.20.0.0/16 user=u
add connect-to=192.0.2.9 name=spare port=8443 user=s' "export"
out=$(t_expect "${C[@]}" /interface sstp-client export show-sensitive terse)
t_assert_match "$out" '^/interface sstp-client add connect-to=10\.1\.101\.1 disabled=no name=sstp-out1 password=123 user=sstp-test' "export terse show-sensitive"
out=$(t_expect "${C[@]}" /interface sstp-client export verbose)
t_assert_match "$out" ' keepalive-timeout=60 ' "export verbose has defaults"
t_assert_nomatch "$out" 'password' "export verbose hides secrets"

# --- errors point at the word; exit statuses ------------------------------
out=$("${C[@]}" /interface sstp-client print detail bogus 2>&1)
t_assert_eq "$?" 1 "bad word: exit 1"
t_assert_eq "$out" "sstpctl: expected end of command (line 1 column 37)" "bad word message"
out=$("${C[@]}" /interface sstp-client set 7 comment=x 2>&1)
t_assert_eq "$?" 1 "no such item: exit 1"
t_assert_match "$out" 'no such item \(line 1 column 28\)' "no such item"
out=$("${C[@]}" /interface sstp-client add tls-version=only user=x 2>&1)
t_assert_match "$out" 'ambiguous value: candidates only-1\.2, only-1\.3 \(line 1 column 40\)' "ambiguous value"
out=$("${C[@]}" /interface sstp-client add name=office user=x 2>&1)
t_assert_eq "$?" 1 "duplicate name: exit 1"
"$BUILD/sstpctl" --socket "$T_DIR/nonexistent" /export >/dev/null 2>&1
t_assert_eq "$?" 2 "no daemon: exit 2"
"$BUILD/sstpctl" --bogus >/dev/null 2>&1
t_assert_eq "$?" 2 "bad option: exit 2"
t_assert_match "$("$BUILD/sstpctl" --version)" '^sstpctl [0-9]' "--version"
t_assert_match "$("$BUILD/sstpctl" --help)" 'usage: sstpctl' "--help"

# --- script mode -----------------------------------------------------------
out=$(printf '%s\n' '# a script' '/interface sstp-client' '' 'disable 0,1' \
    'set [find name=spare] comment="from a script"' 'print count-only where disabled' |
    "${C[@]}" 2>&1)
t_assert_eq "$?" 0 "script: exit 0"
t_assert_eq "$out" 3 "script ran in its menu"
out=$(printf '%s\n' '/interface sstp-client' 'enable 0' 'frobnicate' 'remove 0' |
    "${C[@]}" 2>&1)
t_assert_eq "$?" 1 "script error: exit 1"
t_assert_eq "$out" "sstpctl: line 3: bad command name frobnicate (line 1 column 1)" "script error line"
out=$(t_expect "${C[@]}" /interface sstp-client print count-only)
t_assert_eq "$out" 3 "the script stopped at the error"

# --- an export replays into a fresh daemon -----------------------------------
saved=$(t_expect "${C[@]}" /export show-sensitive)
d_start "$NS" "$T_DIR/d2"
C2=("$BUILD/sstpctl" --socket "$T_SSTPCD_SOCK")
t_expect "${C2[@]}" <<<"$saved" >/dev/null
t_assert_eq "$(t_expect "${C2[@]}" /export show-sensitive)" "$saved" "export replayed"

# --- remove with find ----------------------------------------------------------
t_expect "${C[@]}" /interface sstp-client remove [find where name~"^(office|spare)$"] >/dev/null
out=$(t_expect "${C[@]}" /interface sstp-client print as-value proplist=name)
t_assert_match "$out" '^\.id=\*[0-9A-F]+;name=sstp-out1;running=no$' "only sstp-out1 left"

t_pass
