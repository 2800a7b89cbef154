# common.sh - helpers every sstpcd integration test sources (bash only).
#
#   #!/bin/bash
#   . "$(dirname "$0")/../lib/common.sh"
#   t_need_root
#   t_netns_new "${T_ID}c"; t_netns_new "${T_ID}s"
#   t_veth "${T_ID}c" 10.77.0.1/30 "${T_ID}s" 10.77.0.2/30
#   ...
#   t_pass
#
# Exit codes: 0 pass, 77 skip (after 'SKIP: reason'), anything else fail.
# The runner (tests/run-tests.sh) shows a test's output only when it fails;
# on failure this library also prints the tail of every registered log.
#
# Variables (set when sourced; do not change them):
#   T_TOP     the source tree's top directory
#   BUILD     where the built sstpcd/sstpctl live: $SSTPCD_BUILD, else
#             $T_TOP/build when it holds sstpcd, else $T_TOP
#   T_NAME    the test's name (script file name without .sh)
#   T_ID      short unique tag for this run ("t" + PID, or set by the
#             runner, which removes namespaces named T_ID* it finds after
#             the test and fails the test for them): put it in every
#             namespace and file name the test makes, e.g. "${T_ID}cl"
#   T_DIR     private scratch directory (mode 0700), removed on exit
#             (kept when the test fails and T_KEEP=1)
#   T_SSTPCD_SOCK, T_SSTPCD_PID   of the last t_start_sstpcd
#   T_VETH_A, T_VETH_B            interface names made by the last t_veth
#
# Functions (stable; other tests depend on these names):
#   t_skip REASON           print "SKIP: REASON", exit 77
#   t_fail MSG              print "FAIL: MSG", exit 1
#   t_pass [MSG]            print "PASS[: MSG]", exit 0
#   t_info MSG              print a progress line (shown only on failure)
#   t_need_root             skip unless root
#   t_need_cmd CMD...       skip unless every CMD is in PATH
#   t_need_netns            skip unless network namespaces can be made
#   t_need_build PROG...    skip unless $BUILD/PROG exists (default sstpcd sstpctl)
#   t_cleanup CMD [ARG...]  run CMD at exit (last registered runs first)
#   t_log FILE [LABEL]      print FILE's tail on failure (T_LOG_LINES, default 150)
#   t_netns_new NAME        create netns NAME with lo up; deleted at exit
#   t_ns NS CMD...          run CMD inside netns NS ("" = this namespace)
#   t_veth NSA IPA NSB IPB  veth pair with one end in each namespace, addresses
#                           (a.b.c.d/len or v6/len; /24 or /64 when omitted), up;
#                           names in T_VETH_A / T_VETH_B.  Call it directly, not
#                           in $(...), or the names and counter are lost.
#   t_wait_for TIMEOUT CMD...   run CMD every 0.2 s until it succeeds (0) or
#                           TIMEOUT seconds pass (1)
#   t_start_sstpcd NS DIR [ARG...]  start $BUILD/sstpcd --foreground
#                           --socket DIR/sock --config DIR/sstpcd.conf [ARG...]
#                           in netns NS, log in DIR/sstpcd.log; waits for the
#                           socket; killed at exit
#   t_stop_sstpcd [PID]     stop it (TERM, then KILL after 10 s); returns the
#                           daemon's exit status
#   t_sstpctl ARG...        $BUILD/sstpctl --socket $T_SSTPCD_SOCK ARG...
#   t_expect CMD...         run CMD, fail the test (with CMD's output) if it fails
#   t_expect_fail CMD...    run CMD, fail the test if it succeeds
#   t_assert_eq GOT WANT [MSG]
#   t_assert_match TEXT REGEX [MSG]   (bash extended regex)
#   t_assert_nomatch TEXT REGEX [MSG]
#   t_tmux_new NAME CMD...  run CMD in a detached tmux session NAME (160x48,
#                           private tmux server per test; its last screen is
#                           shown on failure; killed at exit)
#   t_tmux_keys NAME KEY... tmux send-keys (e.g. "print" Enter, Tab, C-c)
#   t_tmux_type NAME TEXT   type TEXT literally (no key names)
#   t_tmux_screen NAME      print the visible screen
#   t_tmux_wait NAME TIMEOUT REGEX  wait until the screen matches REGEX (grep -E)
#
# Processes started in the background by a test should be registered with
# t_cleanup "kill PID" (or use t_bg, which does it): nothing may outlive it.
#   t_bg NS LOGFILE CMD...  start CMD in netns NS in the background, output to
#                           LOGFILE (registered with t_log); pid in T_BG_PID;
#                           killed at exit

if [ -z "${BASH_VERSION:-}" ]; then
	echo "common.sh needs bash" >&2
	exit 1
fi

T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -n "${SSTPCD_BUILD:-}" ]; then
	BUILD=$(cd "$SSTPCD_BUILD" && pwd)
elif [ -x "$T_TOP/build/sstpcd" ]; then
	BUILD=$T_TOP/build
else
	BUILD=$T_TOP
fi
T_NAME=$(basename "$0" .sh)
T_ID=${T_ID:-t$$}
T_LOG_LINES=${T_LOG_LINES:-150}
T_SSTPCD_SOCK=${T_SSTPCD_SOCK:-}
T_SSTPCD_PID=
T_VETH_A=
T_VETH_B=
T_BG_PID=
_t_veth_n=0
_t_cleanups=()
_t_logs=()
_t_done=0
_t_fail_msg=

T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sstpcd-$T_NAME.XXXXXX") || {
	echo "FAIL: cannot make a scratch directory" >&2
	exit 1
}
chmod 700 "$T_DIR"

t_info() { printf '%s: %s\n' "$T_NAME" "$*" >&2; }

# In a subshell ($(...), a pipeline) exiting would only end the subshell:
# tell the test's main shell too (USR1 = skip, USR2 = fail).
t_skip() {
	if [ "$BASHPID" = "$$" ]; then
		echo "SKIP: $*"
	else
		echo "SKIP: $*" >&2
		kill -USR1 $$ 2>/dev/null
	fi
	exit 77
}

t_fail() {
	_t_fail_msg="$*"
	echo "FAIL: $*" >&2
	[ "$BASHPID" = "$$" ] || kill -USR2 $$ 2>/dev/null
	exit 1
}

t_pass() {
	if [ $# -gt 0 ]; then echo "PASS: $*"; else echo "PASS"; fi
	exit 0
}

t_cleanup() {
	local s
	s=$(printf '%q ' "$@")
	_t_cleanups+=("$s")
}

t_log() {
	_t_logs+=("$1|${2:-$1}")
}

_t_exit() {
	local rc=$? i f label
	[ "$BASHPID" = "$$" ] || return
	[ "$_t_done" = 1 ] && return
	_t_done=1
	set +e
	trap - INT TERM HUP USR1 USR2
	for ((i = ${#_t_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_t_cleanups[i]}" >/dev/null 2>&1
	done
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		for f in "${_t_logs[@]}"; do
			label=${f#*|}
			f=${f%%|*}
			[ -s "$f" ] || continue
			echo "----- $label (last $T_LOG_LINES lines) -----" >&2
			tail -n "$T_LOG_LINES" "$f" >&2
		done
		if [ ${#_t_logs[@]} -gt 0 ]; then
			echo "----- end of logs -----" >&2
			# again, where a reader of the tail finds it
			echo "FAIL: ${_t_fail_msg:-exit status $rc}" >&2
		fi
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "${T_KEEP:-0}" = 1 ]; then
		echo "$T_NAME: kept $T_DIR" >&2
	else
		rm -rf "$T_DIR"
	fi
	exit "$rc"
}
trap _t_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 77' USR1
trap 'exit 1' USR2

t_need_root() {
	[ "$(id -u)" = 0 ] || t_skip "needs root (network namespaces)"
}

t_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
		    t_skip "$c not installed (scripts/install-deps.sh installs it)"
	done
}

t_need_netns() {
	t_need_root
	t_need_cmd ip
	local n="${T_ID}probe"
	ip netns add "$n" >/dev/null 2>&1 || t_skip "cannot create network namespaces here"
	if ! ip -n "$n" link set lo up >/dev/null 2>&1; then
		ip netns del "$n" >/dev/null 2>&1
		t_skip "network namespaces do not work here (made one, cannot use it)"
	fi
	ip netns del "$n" >/dev/null 2>&1
}

t_need_build() {
	local p
	[ $# -gt 0 ] || set -- sstpcd sstpctl
	for p in "$@"; do
		[ -x "$BUILD/$p" ] || t_skip "$BUILD/$p not built (set SSTPCD_BUILD or run make)"
	done
}

t_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

t_netns_new() {
	local ns=$1
	if ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF "$ns"; then
		t_fail "network namespace $ns already exists"
	fi
	ip netns add "$ns" || t_fail "cannot create network namespace $ns"
	t_cleanup ip netns del "$ns"
	ip -n "$ns" link set lo up || t_fail "cannot bring lo up in $ns"
}

_t_addr() { # NS IP DEV
	local ns=$1 a=$2 dev=$3
	case $a in
	*/*)	;;
	*:*)	a=$a/64 ;;
	*)	a=$a/24 ;;
	esac
	case $a in
	*:*)	ip -n "$ns" -6 addr add "$a" dev "$dev" nodad ;;
	*)	ip -n "$ns" addr add "$a" dev "$dev" ;;
	esac
}

t_veth() {
	local nsa=$1 ipa=$2 nsb=$3 ipb=$4 a b
	_t_veth_n=$((_t_veth_n + 1))
	a="v$$n${_t_veth_n}a"
	b="v$$n${_t_veth_n}b"
	ip link add "$a" netns "$nsa" type veth peer name "$b" netns "$nsb" ||
	    t_fail "cannot create veth $a/$b between $nsa and $nsb"
	# deleting either end removes the pair (also gone with the namespace)
	t_cleanup ip -n "$nsa" link del "$a"
	[ -n "$ipa" ] && { _t_addr "$nsa" "$ipa" "$a" || t_fail "cannot add $ipa to $a"; }
	[ -n "$ipb" ] && { _t_addr "$nsb" "$ipb" "$b" || t_fail "cannot add $ipb to $b"; }
	ip -n "$nsa" link set "$a" up || t_fail "cannot bring $a up"
	ip -n "$nsb" link set "$b" up || t_fail "cannot bring $b up"
	T_VETH_A=$a
	T_VETH_B=$b
}

t_wait_for() {
	local timeout=$1 end now
	shift
	end=$(awk -v n="${EPOCHREALTIME/,/.}" -v t="$timeout" 'BEGIN{printf "%.3f", n + t}')
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		now=${EPOCHREALTIME/,/.}
		awk -v n="$now" -v e="$end" 'BEGIN{exit !(n >= e)}' && return 1
		sleep 0.2
	done
}

_t_kill() { # PID [SECONDS]: TERM, wait, KILL
	local pid=$1 i n=$((${2:-10} * 10))
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# _t_exec_in NS CMD...: exec CMD in NS.  Started with '&', the background
# subshell becomes CMD itself, so $! is CMD's pid and killing it kills CMD
# (with 't_ns ... &' it would be a bash whose child survives the kill).
_t_exec_in() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then exec ip netns exec "$ns" "$@"; else exec "$@"; fi
}

t_bg() {
	local ns=$1 logf=$2
	shift 2
	_t_exec_in "$ns" "$@" </dev/null >"$logf" 2>&1 &
	T_BG_PID=$!
	t_cleanup _t_kill "$T_BG_PID" 5
	t_log "$logf"
}

t_start_sstpcd() {
	local ns=$1 dir=$2 pid
	shift 2
	[ -x "$BUILD/sstpcd" ] || t_skip "$BUILD/sstpcd not built"
	mkdir -p "$dir"
	rm -f "$dir/sock"
	t_log "$dir/sstpcd.log" "sstpcd log ($dir)"
	_t_exec_in "$ns" "$BUILD/sstpcd" --foreground --socket "$dir/sock" \
	    --config "$dir/sstpcd.conf" "$@" </dev/null >>"$dir/sstpcd.log" 2>&1 &
	pid=$!
	t_cleanup _t_kill "$pid" 10
	T_SSTPCD_PID=$pid
	T_SSTPCD_SOCK=$dir/sock
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$dir/sock" ] && return 0
		kill -0 "$pid" 2>/dev/null || t_fail "sstpcd exited at start (see its log)"
		sleep 0.1
	done
	t_fail "sstpcd made no socket at $dir/sock in 10 s"
}

t_stop_sstpcd() {
	local pid=${1:-$T_SSTPCD_PID} rc
	[ -n "$pid" ] || return 0
	_t_kill "$pid" 10
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

t_tmux_new() {
	local name=$1
	shift
	t_need_cmd tmux
	if [ -z "${_t_tmux_started:-}" ]; then
		_t_tmux_started=1
		t_cleanup tmux -L "$T_ID" kill-server
	fi
	TERM=${TERM:-xterm} tmux -L "$T_ID" -f /dev/null new-session -d -s "$name" \
	    -x 160 -y 48 "$(printf '%q ' "$@")" || t_fail "tmux session $name did not start"
	tmux -L "$T_ID" set-option -t "$name" remain-on-exit on >/dev/null
	t_cleanup _t_tmux_save "$name"
	t_log "$T_DIR/tmux-$name.screen" "last screen of tmux session $name"
}

_t_tmux_save() {
	tmux -L "$T_ID" capture-pane -p -t "$1" 2>/dev/null |
	    awk '{ l[NR] = $0 } NF { n = NR } END { for (i = 1; i <= n; i++) print l[i] }' \
	    >"$T_DIR/tmux-$1.screen"
}

t_tmux_keys() {
	local name=$1
	shift
	tmux -L "$T_ID" send-keys -t "$name" "$@"
}

t_tmux_type() {
	tmux -L "$T_ID" send-keys -t "$1" -l "$2"
}

t_tmux_screen() {
	tmux -L "$T_ID" capture-pane -p -t "$1"
}

_t_tmux_match() {
	t_tmux_screen "$1" | grep -Eq -- "$2"
}

t_tmux_wait() {
	t_wait_for "$2" _t_tmux_match "$1" "$3"
}

# _t_envfile FILE WHAT: print the settings file of a peer/proxy lib
_t_envfile() {
	[ -s "$1" ] || { echo "no $2" >&2; return 1; }
	cat "$1"
}

t_sstpctl() {
	"$BUILD/sstpctl" --socket "$T_SSTPCD_SOCK" "$@"
}

t_expect() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then
		printf '%s\n' "$out" >&2
		t_fail "command failed (exit $rc): $*"
	fi
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}

t_expect_fail() {
	local out
	if out=$("$@" 2>&1); then
		printf '%s\n' "$out" >&2
		t_fail "command succeeded but should have failed: $*"
	fi
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}

t_assert_eq() {
	[ "$1" = "$2" ] || t_fail "${3:-values differ}: got '$1', want '$2'"
}

t_assert_match() {
	[[ $1 =~ $2 ]] || { printf '%s\n' "$1" >&2; t_fail "${3:-no match} (regex: $2)"; }
}

t_assert_nomatch() {
	[[ $1 =~ $2 ]] && { printf '%s\n' "$1" >&2; t_fail "${3:-unexpected match} (regex: $2)"; }
	return 0
}
