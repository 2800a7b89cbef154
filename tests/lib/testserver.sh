# testserver.sh - tests/tools/sstp-testserver (the strict, scriptable SSTP
# server) as a peer of sstpcd's integration tests.  Source after common.sh.
#
#   ts_need                      skip unless the server is built and netns work
#   ts_setup CLIENT_NS           server namespace ${T_ID}ts, a veth to
#                                CLIENT_NS (10.98.0.1 client, 10.98.0.2
#                                server), a self-signed certificate for
#                                sstp-test.test and 10.98.0.2 (TS_CA)
#   ts_start TAG PORT [ARG...]   run the server on 10.98.0.2:PORT in the
#                                server namespace, log in $T_DIR/ts-TAG.log;
#                                waits until it listens
#   ts_log TAG                   print the server's log
#   ts_wait_log TAG SECONDS REGEX   wait until the log matches (grep -E)
#   ts_engine                    the ppp-engine the tests use: $TS_ENGINE,
#                                else builtin when sstpcd has it, else auto
#   ts_mon NAME KEY              one field of sstpctl's 'monitor NAME once'
#   ts_ctl LINE...               run the lines as an sstpctl script
#
# Variables: TS_NS TS_HOST (10.98.0.2) TS_CA TS_USER TS_PASSWORD

TS_BIN=$BUILD/tests/tools/sstp-testserver
TS_HOST=10.98.0.2
TS_USER=sstp-test
TS_PASSWORD=Strict-Pass1

ts_need() {
	t_need_netns
	t_need_cmd openssl socat
	t_need_build sstpcd sstpctl
	[ -x "$TS_BIN" ] || t_skip "$TS_BIN not built (make)"
}

ts_setup() {
	local d=$T_DIR/ts-pki
	TS_NS=${T_ID}ts
	t_netns_new "$TS_NS"
	t_veth "$1" 10.98.0.1/24 "$TS_NS" 10.98.0.2/24
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" \
	    -out "$d/cert.pem" -days 30 -subj "/CN=sstp-test.test" \
	    -addext "subjectAltName=DNS:sstp-test.test,IP:$TS_HOST" \
	    -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null ||
	    t_fail "cannot make the test server's certificate"
	TS_CA=$d/cert.pem
	TS_KEY=$d/key.pem
}

ts_start() {
	local tag=$1 port=$2 logf=$T_DIR/ts-$1.log
	shift 2
	t_bg "$TS_NS" "$logf" "$TS_BIN" --listen "$TS_HOST:$port" \
	    --cert "$TS_CA" --key "$TS_KEY" --user "$TS_USER" \
	    --password "$TS_PASSWORD" "$@"
	ts_wait_log "$tag" 5 '^listening on ' ||
	    t_fail "sstp-testserver $tag did not start: $(cat "$logf")"
}

ts_log() {
	cat "$T_DIR/ts-$1.log"
}

ts_wait_log() {
	t_wait_for "$2" grep -Eq -- "$3" "$T_DIR/ts-$1.log"
}

# An uninstalled build's pppd plugin, for ppp-engine=pppd or auto.
if [ -z "${SSTPCD_PPPD_PLUGIN:-}" ] && [ -r "$BUILD/ppp/plugin/sstpcd-pppd-plugin.so" ]; then
	export SSTPCD_PPPD_PLUGIN=$BUILD/ppp/plugin/sstpcd-pppd-plugin.so
fi

ts_engine() {
	if [ -n "${TS_ENGINE:-}" ]; then
		echo "$TS_ENGINE"
	elif nm "$BUILD/sstpcd" 2>/dev/null | grep -q ' [TtDdRr] ppp_builtin_ops$'; then
		echo builtin
	else
		echo auto
	fi
}

# ts_mon NAME KEY: one field of sstpctl's 'monitor NAME once'.
ts_mon() {
	t_sstpctl /interface sstp-client monitor "$1" once 2>/dev/null |
	    sed -n "s/^ *$2: //p" | head -1
}

# ts_ctl LINE...: the lines as a script on sstpctl's standard input; fails
# the test when sstpctl does.
ts_ctl() {
	local out
	out=$(printf '%s\n' "$@" | t_sstpctl 2>&1) ||
	    t_fail "sstpctl failed: $out (script: $*)"
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}
