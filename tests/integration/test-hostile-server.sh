#!/bin/bash
# test-hostile-server.sh - one real sstpcd with a good tunnel and one tunnel
# per hostile mode of sstp-testserver (HTTP 403/500/garbage, silence, close
# after TLS, malformed SSTP after the Ack, Nak forever, no Ack, an invalid
# attribute, Call Abort early and late, Call Disconnect, LCP Terminate, no
# echoes, oversized/truncated frames, a flood, a wrong MS-CHAPv2
# authenticator response).  Each broken tunnel's monitor names its cause in
# last-disconnect-reason, the frames/flood tunnels survive, the daemon
# keeps running, the good tunnel stays connected throughout (same
# connection, ping works), and the saved configuration is unchanged and
# restored by a restart.
# timeout: 240
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"
. "$(dirname "$0")/../lib/testserver.sh"
ts_need
t_need_cmd ping nm sha256sum

cns=${T_ID}c
t_netns_new "$cns"
ts_setup "$cns"

# tag:port:server arguments (the peer addresses are 172.29.<n>.1/.2)
modes=(
	good:4440:
	h403:4441:--mode=http403
	h500:4442:--mode=http500
	hjunk:4443:--mode=http-garbage
	silent:4444:--mode=silent
	tlsclose:4445:--mode=close-after-tls
	badver:4446:--mode=bad-version
	badlen:4447:--mode=bad-length
	nak:4448:--mode=nak
	abort:4449:--mode=abort,--status=6
	abortlate:4450:--mode=abort-late,--status=8
	noecho:4451:--mode=no-echo
	bigframe:4452:--mode=big-frame
	shortframe:4453:--mode=short-frame
	flood:4454:--mode=flood,--count=20000
	badauth:4455:--mode=bad-authenticator
	noack:4456:--mode=no-ack
	badmsg:4457:--mode=bad-message
	disc:4458:--mode=disconnect,--status=4
	lcpterm:4459:--mode=lcp-terminate
)
n=0
for m in "${modes[@]}"; do
	IFS=: read -r tag port args <<<"$m"
	n=$((n + 1))
	IFS=, read -r -a extra <<<"$args"
	ts_start "$tag" "$port" --timeout 20 --local-ip "172.29.$n.1" \
	    --peer-ip "172.29.$n.2" "${extra[@]}"
done

d_start "$cns" "$T_DIR/d" -vv
engine=$(ts_engine)
t_info "ppp-engine=$engine"
common="connect-to=$TS_HOST user=$TS_USER password=$TS_PASSWORD ca-certificate=$TS_CA ppp-engine=$engine"

# The good tunnel first, and up before anything hostile starts.
ts_ctl "/interface sstp-client add name=hgood port=4440 $common disabled=no" >/dev/null
up() { [ "$(ts_mon "$1" status)" = connected ]; }
t_wait_for 45 up hgood || t_fail "hgood not connected: $(t_sstpctl /interface sstp-client monitor hgood once)"
ts_wait_log good 5 'binding ok sha256' || t_fail "good server: no binding ok"
lines=()
for m in "${modes[@]:1}"; do
	IFS=: read -r tag port args <<<"$m"
	ka=
	[ "$tag" = noecho ] && ka=keepalive-timeout=3
	lines+=("/interface sstp-client add name=h$tag port=$port $common $ka")
done
out=$(ts_ctl "${lines[@]}")
t_assert_eq "$out" "" "hostile adds print nothing"

# The good tunnel must never go down: same server connection all along.
good_conn=$(grep -c 'accept from' "$T_DIR/ts-good.log")
good_check() {
	t_assert_eq "$(ts_mon hgood status)" connected "hgood status ($1)"
	t_assert_eq "$(grep -c 'accept from' "$T_DIR/ts-good.log")" "$good_conn" \
	    "hgood reconnected ($1)"
	kill -0 "$T_SSTPCD_PID" 2>/dev/null || t_fail "sstpcd died ($1)"
}

all=()
for m in "${modes[@]:1}"; do
	IFS=: read -r tag port args <<<"$m"
	all+=("h$tag")
done
ts_ctl "/interface sstp-client enable $(IFS=,; echo "${all[*]}")" >/dev/null
# What the failures below must not change: the saved file and the export.
conf_sum=$(sha256sum <"$T_DIR/d/sstpcd.conf")
export_before=$(ts_ctl '/export show-sensitive')
[[ $export_before == *"name=hflood"* ]] || t_fail "export lacks the interfaces: $export_before"

# reason NAME: last-disconnect-reason
reason() { ts_mon "$1" last-disconnect-reason; }
has_reason() { [[ $(reason "$1") =~ $2 ]]; }

# Wait for each broken tunnel's cause.  tag|regex of the reason (ERE, case
# as the daemon words it)
expect=(
	"h403|HTTP/1.1 403"
	"h500|HTTP/1.1 500"
	"hjunk|not an HTTP answer"
	"tlsclose|closed the connection before answering"
	"badver|unparseable SSTP.*version"
	"badlen|unparseable SSTP.*length"
	"nak|refused the call.*retry count exceeded"
	"abort|server aborted the call: status 6 \\(retry count exceeded\\)"
	"abortlate|server aborted the call: status 8 \\(negotiation timeout\\)"
	"noecho|no answer to keepalive"
	"badauth|authentication failed.*mutual authentication"
	"silent|did not answer SSTP_DUPLEX_POST"
	"noack|negotiation timeout: no Call Connect Ack"
	"badmsg|invalid message from the server.*CRYPTO_BINDING_REQ.*status 3"
	"disc|server disconnected the call: status 4"
	"lcpterm|server ended the link"
)
for e in "${expect[@]}"; do
	ifn=h${e%%|*}
	re=${e#*|}
	t_wait_for 80 has_reason "$ifn" "$re" ||
	    t_fail "$ifn: last-disconnect-reason does not match /$re/: $(t_sstpctl /interface sstp-client monitor "$ifn" once)"
	t_info "$ifn: $(reason "$ifn")"
	good_check "$ifn"
done

# Frames the engine must drop, and a flood: the tunnels stay up.
for tag in bigframe shortframe flood; do
	ts_wait_log "$tag" 60 "^conn=1 (big-frame|short-frame|flood) sent" ||
	    t_fail "server $tag did not send its frames: $(ts_log "$tag")"
done
sleep 3
for tag in bigframe shortframe flood; do
	t_assert_eq "$(ts_mon "h$tag" status)" connected "h$tag survives its frames"
	t_assert_eq "$(grep -c 'accept from' "$T_DIR/ts-$tag.log")" 1 "h$tag did not reconnect"
done
# The flood arrived (the engine passed it to the interface, none lost in
# the SSTP layer); the tunnel still answers.
rx=$(ts_mon hflood rx-packet)
[ "${rx:-0}" -ge 20000 ] || t_fail "hflood rx-packet $rx, want >= 20000"
t_expect ip netns exec "$cns" ping -c 1 -W 2 -I hflood 172.29.15.1 >/dev/null
good_check end
t_expect ip netns exec "$cns" ping -c 2 -i 0.3 -W 2 -I hgood 172.29.1.1 >/dev/null

# The server saw what it was told to do.
grep -q 'nak sent' "$T_DIR/ts-nak.log" || t_fail "nak server sent no nak"
grep -q 'binding ok' "$T_DIR/ts-abortlate.log" || t_fail "abortlate never got connected"
grep -q 'wrong authenticator sent' "$T_DIR/ts-badauth.log" || t_fail "badauth did not run"
# The client answers as MS-SSTP says: Abort with the right status, Disconnect Ack.
grep -q 'call abort status=3$' "$T_DIR/ts-badmsg.log" || t_fail "no Call Abort status 3 for a bad attribute length"
grep -q 'call abort status=6$' "$T_DIR/ts-nak.log" || t_fail "no Call Abort status 6 after the Naks"
grep -q 'call abort status=8$' "$T_DIR/ts-noack.log" || t_fail "no Call Abort status 8 without an Ack"
grep -q 'disconnect ack$' "$T_DIR/ts-disc.log" || t_fail "no Call Disconnect Ack"
# A server that ends PPP (LCP Terminate) gets an orderly Call Disconnect.
grep -q 'call disconnect$' "$T_DIR/ts-lcpterm.log" || t_fail "no Call Disconnect after the server's LCP Terminate"
if grep -q 'binding ok' "$T_DIR/ts-badauth.log"; then
	t_fail "the client sent Call Connected after a wrong authenticator response"
fi

# The saved configuration is what the adds wrote, and survives a restart.
t_assert_eq "$(sha256sum <"$T_DIR/d/sstpcd.conf")" "$conf_sum" "sstpcd.conf changed"
ts_ctl "/interface sstp-client disable $(IFS=,; echo "${all[*]}")" >/dev/null
d_stop
d_start "$cns" "$T_DIR/d" -vv
export_after=$(ts_ctl '/export show-sensitive')
# the hostile ones were disabled before the restart; nothing else differs
t_assert_eq "$(sed 's/ disabled=[a-z]*//' <<<"$export_after")" \
    "$(sed 's/ disabled=[a-z]*//' <<<"$export_before")" "export after restart"
t_wait_for 45 up hgood || t_fail "hgood not connected after the restart"
d_stop
t_pass
