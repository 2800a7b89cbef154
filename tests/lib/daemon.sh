# daemon.sh - helpers for the daemon's integration tests (source after common.sh).
#
#   d_start NS DIR [ARG...]  t_start_sstpcd, with T_SSTPCD_PID the daemon itself
#   d_with_softether [ARG...] namespace $cns, SoftEther peer "a" (SE_*), d_start
#   d_stop                   SIGTERM; fails the test unless it exits cleanly
#   d_ctl LINE...            send the lines to the socket with socat, print
#                            everything the daemon answers
#   d_mon NAME KEY           one field of 'monitor NAME once' ("status", "mtu")
#   d_secs DURATION          a RouterOS duration (1h2m3s, 1w2d) in seconds

# t_start_sstpcd's $! is sstpcd itself now (_t_exec_in); with an older
# common.sh it was the subshell running t_ns, whose child is sstpcd: then
# take the child, and make sure it dies with the test.
d_start() {
	local c
	t_start_sstpcd "$@"
	if c=$(pgrep -P "$T_SSTPCD_PID" -x sstpcd); then
		T_SSTPCD_PID=$c
		t_cleanup _t_kill "$c" 10
	fi
	D_LOG=$2/sstpcd.log
}

# d_with_softether [SSTPCD-ARG...]: the usual opening of a test against
# SoftEther: the client namespace $cns, peer "a" serving it (its settings
# as SE_* variables, from softether_env) and sstpcd in $cns.  Needs
# tests/lib/softether.sh sourced.
d_with_softether() {
	cns=${T_ID}c
	t_netns_new "$cns"
	softether_up a "$cns"
	eval "$(softether_env a)"
	d_start "$cns" "$T_DIR/d" "$@"
}

d_stop() {
	local i
	kill -TERM "$T_SSTPCD_PID" 2>/dev/null || t_fail "sstpcd is not running"
	for ((i = 0; i < 100; i++)); do
		grep -q ' exited$' "$D_LOG" && break
		sleep 0.1
	done
	grep -q ' exited$' "$D_LOG" || t_fail "sstpcd did not exit cleanly on SIGTERM"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$T_SSTPCD_PID" 2>/dev/null || break
		[ "$(ps -o stat= -p "$T_SSTPCD_PID" 2>/dev/null)" = Z ] && break
		sleep 0.1
	done
	wait "$T_SSTPCD_PID" 2>/dev/null
	sed -i 's/ exited$/ exited (seen)/' "$D_LOG"
	# An ASan/UBSan build reports here, at exit.
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$D_LOG"; then
		t_fail "sanitizer report in the daemon's log"
	fi
}

d_ctl() {
	printf '%s\n' "$@" | socat -t 5 - "UNIX-CONNECT:$T_SSTPCD_SOCK"
}

d_mon() {
	d_ctl "/interface sstp-client monitor $1 once" |
	    sed -n "s/^ *$2: //p" | head -1
}

d_secs() {
	local s=$1 n=0 v
	while [[ $s =~ ^([0-9]+)([wdhms])(.*)$ ]]; do
		v=${BASH_REMATCH[1]}
		case ${BASH_REMATCH[2]} in
		w) n=$((n + v * 604800)) ;;
		d) n=$((n + v * 86400)) ;;
		h) n=$((n + v * 3600)) ;;
		m) n=$((n + v * 60)) ;;
		s) n=$((n + v)) ;;
		esac
		s=${BASH_REMATCH[3]}
	done
	echo "$n"
}
