#!/bin/bash
# test-cli-softether.sh - sstpctl's views of live tunnels to the SoftEther peer:
# three interfaces at once (one disabled, one with a wrong password, one up)
# added with sstpctl; print flags, detail, terse, as-value and monitor once
# show the right values; uptime grows; a restart of sstpcd restores all three
# from its saved file and the good one comes back up.
# timeout: 240
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_build sstpcd sstpctl

# An uninstalled build's pppd plugin, for the pppd engine.
if [ -z "${SSTPCD_PPPD_PLUGIN:-}" ] && [ -f "$BUILD/ppp/plugin/sstpcd-pppd-plugin.so" ]; then
	export SSTPCD_PPPD_PLUGIN=$BUILD/ppp/plugin/sstpcd-pppd-plugin.so
fi

cns=${T_ID}cl
t_netns_new "$cns"
softether_up a "$cns"
eval "$(softether_env a)"
d_start "$cns" "$T_DIR/d" -vv
C=("$BUILD/sstpctl" --socket "$T_SSTPCD_SOCK")

# mon NAME KEY: one field of monitor once, read from as-value.
mon() {
	"${C[@]}" /interface sstp-client monitor "$1" once as-value |
	    tr ';' '\n' | sed -n "s/^$2=//p" | tr -d '"'
}
secs() {
	local s=$1 n=0
	while [[ $s =~ ^([0-9]+)([wdhms])(.*)$ ]]; do
		case ${BASH_REMATCH[2]} in
		w) n=$((n + BASH_REMATCH[1] * 604800)) ;;
		d) n=$((n + BASH_REMATCH[1] * 86400)) ;;
		h) n=$((n + BASH_REMATCH[1] * 3600)) ;;
		m) n=$((n + BASH_REMATCH[1] * 60)) ;;
		s) n=$((n + BASH_REMATCH[1])) ;;
		esac
		s=${BASH_REMATCH[3]}
	done
	echo "$n"
}

common="connect-to=$SE_HOST user=$SE_USER ca-certificate=$SE_CA"
t_expect "${C[@]}" <<EOF_SCRIPT >/dev/null
/interface sstp-client
add name=se-off $common password=$SE_PASSWORD
add name=se-bad $common password=Wrong-$SE_PASSWORD disabled=no
add name=se-up $common password="$SE_PASSWORD" disabled=no
EOF_SCRIPT

up() { [ "$(mon se-up status)" = connected ]; }
t_wait_for 60 up || t_fail "se-up not connected: $("${C[@]}" /interface sstp-client monitor se-up once)"

# print: flags X for the disabled one, R for the running one only.
out=$(t_expect "${C[@]}" /interface sstp-client print)
t_assert_match "$out" $'\n 0 X  name="se-off"' "print: se-off disabled"
t_assert_match "$out" $'\n 1    name="se-bad"' "print: se-bad neither"
t_assert_match "$out" $'\n 2  R name="se-up"' "print: se-up running"
t_assert_nomatch "$out" "$SE_PASSWORD" "print hides passwords"
t_assert_eq "$(t_expect "${C[@]}" /interface sstp-client print count-only where running)" 1 "one running"
out=$(t_expect "${C[@]}" /interface sstp-client print terse where name=se-up)
t_assert_match "$out" "^ 2  R name=se-up .* connect-to=$SE_HOST " "terse"
out=$(t_expect "${C[@]}" /interface sstp-client print detail show-sensitive where name=se-up)
t_assert_match "$out" "password=\"$SE_PASSWORD\"" "detail show-sensitive"
t_assert_match "$out" "ca-certificate=$SE_CA" "detail ca-certificate"

# monitor once: the values of a live tunnel.
out=$(t_expect "${C[@]}" /interface sstp-client monitor se-up once)
t_assert_match "$out" '^ +status: connected' "monitor status"
t_assert_match "$out" "user: $SE_USER"$'\n' "monitor user"
t_assert_match "$out" "caller-id: $SE_HOST:$SE_PORT"$'\n' "monitor caller-id"
t_assert_match "$out" $'mtu: [0-9]{3,4}\n' "monitor mtu"
t_assert_match "$out" $'local-address: [0-9.]+\n' "monitor local-address"
t_assert_match "$out" 'encoding: .*TLS' "monitor encoding"
mtu=$(ip -n "$cns" -o link show se-up | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
t_assert_eq "$(mon se-up mtu)" "$mtu" "monitor mtu = the device's"
u1=$(secs "$(mon se-up uptime)")
sleep 3
u2=$(secs "$(mon se-up uptime)")
[ "$u2" -ge $((u1 + 2)) ] || t_fail "uptime did not grow: $u1 -> $u2"
t_assert_eq "$(mon se-off status)" disabled "se-off status"
bad() { [ -n "$(mon se-bad last-disconnect-reason)" ]; }
t_wait_for 60 bad || t_fail "se-bad has no reason"

# Restart: the saved file brings all three back, se-up reconnects.
before=$(t_expect "${C[@]}" /export show-sensitive)
d_stop
d_start "$cns" "$T_DIR/d" -vv
C=("$BUILD/sstpctl" --socket "$T_SSTPCD_SOCK")
t_assert_eq "$(t_expect "${C[@]}" /export show-sensitive)" "$before" "restored from the saved file"
t_wait_for 60 up || t_fail "se-up not connected after the restart"

t_pass
