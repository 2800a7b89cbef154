#!/bin/bash
# bench-tunnel.sh - measure sstpcd's built-in engine through a real tunnel to
# SoftEther: time from 'enable' to 'connected', ping round trip, TCP
# throughput (iperf3, both directions), CPU seconds per GB of sstpcd and of
# vpnserver, and sstpcd's resident memory with 1 and with N tunnels up.
#
#   sudo tests/bench/bench-tunnel.sh
#
# It prints numbers, never pass/fail on timing.  Exit 0 when every number
# was measured, 77 (SKIP) when something it needs is missing, 1 when the
# tunnel did not come up (the numbers measured so far are still printed).
# See tests/bench/README.md for what each number means.
#
# Environment:
#   BENCH_RUNS=5        enable->connected runs (the median is reported)
#   BENCH_PINGS=50      pings per round-trip measurement
#   BENCH_SECONDS=10    seconds per iperf3 run
#   BENCH_TUNNELS=10    tunnels up at once for the memory measurement
#   BENCH_ENGINE=builtin  the ppp-engine property (pppd needs kernel PPP)
#   BENCH_RESULTS=FILE  key=value results (default ./bench-tunnel.results);
#                       sstpcd's log is copied to FILE.sstpcd.log
#   BENCH_SSTPCD_ARGS=  more sstpcd arguments (e.g. -vv for a detailed log)
#   BENCH_PERF=1        profile sstpcd (perf record) during each transfer;
#                       the top symbols go to FILE.<measure>.perf.txt
#                       (BENCH_PERF_ARGS: perf record options, default -F 999 -g)
#   BENCH_SETUP_ONLY=1  set up SoftEther, its bridge and the iperf3 host,
#                       measure the hub alone, and stop (no sstpcd needed)
#   SSTPCD_BUILD=DIR    where sstpcd and sstpctl are (see tests/lib/common.sh)
#
# The network: every namespace is this run's own (T_ID prefix).
#
#   ${T_ID}c  client: sstpcd, its TUN devices -- veth 10.99.1.0/30 --
#   ${T_ID}sea  server: vpnserver (hub DEFAULT, SecureNAT 192.168.30.1,
#             DHCP for the PPP clients, NAT off), two local bridges to TAP
#             devices that vpnserver makes and this script moves out:
#   ${T_ID}ip  iperf3 host 192.168.30.250/24 on tap_bsrv (iperf3 -s)
#   ${T_ID}ib  hub baseline 192.168.30.251/24 on tap_bcli (iperf3 -c
#             through the hub without SSTP, for context)
#
# TAP rather than veth for the bridges: SoftEther reads a bridged veth with a
# packet socket, which sees the kernel's unsegmented GSO frames and
# unfinished checksums (TCP crawls at <1 Mbit/s); a TAP device has no
# offloads, so the kernel hands vpnserver finished frames.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"

BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_PINGS=${BENCH_PINGS:-50}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_TUNNELS=${BENCH_TUNNELS:-10}
BENCH_RESULTS=${BENCH_RESULTS:-$PWD/bench-tunnel.results}
BENCH_SETUP_ONLY=${BENCH_SETUP_ONLY:-0}
BENCH_ENGINE=${BENCH_ENGINE:-builtin}
BENCH_PERF=${BENCH_PERF:-0}

IPERF_IP=192.168.30.250
BASE_IP=192.168.30.251
HZ=$(getconf CLK_TCK)

softether_need
t_need_cmd iperf3 jq ping awk
[ "$BENCH_SETUP_ONLY" = 1 ] || t_need_build sstpcd sstpctl

# --- results -------------------------------------------------------------

declare -A R
R_KEYS=()

# res KEY VALUE [UNIT]: record one number
res() {
	[ -n "${R[$1]+x}" ] || R_KEYS+=("$1")
	R[$1]=$2
	R_UNIT[$1]=${3:-}
	t_info "$1=$2${3:+ $3}"
}
declare -A R_UNIT

results_write() {
	local k rev
	rev=$(git -C "$T_TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	git -C "$T_TOP" diff --quiet HEAD 2>/dev/null || rev="$rev+dirty"
	{
		echo "# sstpcd tests/bench/bench-tunnel.sh"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "commit=$rev"
		echo "kernel=$(uname -r)"
		echo "cpus=$(nproc)"
		echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
		echo "engine=$BENCH_ENGINE"
		echo "iperf_seconds=$BENCH_SECONDS"
		for k in "${R_KEYS[@]}"; do
			echo "$k=${R[$k]}"
		done
	} >"$BENCH_RESULTS"
	{
		printf '\n%-34s %14s  %s\n' "measurement" "value" "unit"
		printf '%-34s %14s  %s\n' "----------------------------------" \
		    "--------------" "--------"
		for k in "${R_KEYS[@]}"; do
			printf '%-34s %14s  %s\n' "$k" "${R[$k]}" "${R_UNIT[$k]}"
		done
		printf '\ncommit %s, %s CPUs, kernel %s\n' "$rev" "$(nproc)" "$(uname -r)"
		# the daemon's log, for a look at where the time went
		if [ -s "$T_DIR/d/sstpcd.log" ]; then
			cp "$T_DIR/d/sstpcd.log" "$BENCH_RESULTS.sstpcd.log"
			printf 'sstpcd log in %s\n' "$BENCH_RESULTS.sstpcd.log"
		fi
		printf 'key=value results in %s\n' "$BENCH_RESULTS"
	}
}

# --- small helpers -------------------------------------------------------

# cpu_ticks PID: utime+stime of the whole process, in clock ticks
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# dev_packets NS DEV: rx + tx packets of a device
dev_packets() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets" \
	    "/sys/class/net/$2/statistics/tx_packets" 2>/dev/null |
	    awk '{ n += $1 } END { print n + 0 }'
}

# mem_kb PID FIELD: a field of /proc/PID/status (VmRSS, VmHWM in kB)
mem_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

median() {
	sort -n | awk '{ a[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) printf "%.3f\n", a[(NR + 1) / 2]
		else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ping_rtt NS DEV DST PREFIX: min/avg/max/mdev of BENCH_PINGS pings
ping_rtt() {
	local ns=$1 dev=$2 dst=$3 p=$4 out line loss
	out=$(ip netns exec "$ns" ping -q -n -c "$BENCH_PINGS" -i 0.02 -W 2 \
	    ${dev:+-I "$dev"} "$dst" 2>&1)
	loss=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
	line=$(printf '%s\n' "$out" | sed -n 's|^rtt [^=]*= *\([0-9./]*\) ms.*|\1|p')
	if [ -z "$line" ]; then
		t_info "ping $dst from $ns: $out"
		return 1
	fi
	IFS=/ read -r mn av mx md <<<"$line"
	res "${p}_min_ms" "$mn" ms
	res "${p}_avg_ms" "$av" ms
	res "${p}_max_ms" "$mx" ms
	res "${p}_mdev_ms" "$md" ms
	res "${p}_loss_pct" "${loss:-?}" %
}

# iperf NS DST PREFIX [-R]: one TCP run; Mbit/s and bytes; CPU of sstpcd
# (when D_PID is set) and of vpnserver during it
iperf() {
	local ns=$1 dst=$2 p=$3 rev=${4:-} js bytes bps retr
	local s0 s1 d0 d1 gb w0 w1 k0 k1
	s0=$(cpu_ticks "$SE_PID")
	if [ -n "${D_PID:-}" ]; then
		d0=$(cpu_ticks "$D_PID")
		w0=$(mem_kb "$D_PID" voluntary_ctxt_switches)
		k0=$(dev_packets "$ns" "$IPERF_DEV")
	fi
	local perf=
	if [ "$BENCH_PERF" = 1 ] && [ -n "${D_PID:-}" ]; then
		perf record -q ${BENCH_PERF_ARGS:--F 999 -g} -p "$D_PID" -o "$BENCH_RESULTS.$p.perf.data" \
		    >/dev/null 2>&1 &
		perf=$!
		t_cleanup _t_kill "$perf" 5
	fi
	js=$(ip netns exec "$ns" iperf3 -J -c "$dst" -t "$BENCH_SECONDS" -O 1 $rev 2>&1)
	if [ -n "$perf" ]; then
		kill -INT "$perf" 2>/dev/null
		wait "$perf" 2>/dev/null
		perf report -q --stdio --no-children --sort dso,symbol -g none \
		    -i "$BENCH_RESULTS.$p.perf.data" 2>/dev/null | head -40 \
		    >"$BENCH_RESULTS.$p.perf.txt"
		t_info "profile of sstpcd in $BENCH_RESULTS.$p.perf.txt"
	fi
	s1=$(cpu_ticks "$SE_PID")
	if [ -n "${D_PID:-}" ]; then
		d1=$(cpu_ticks "$D_PID")
		w1=$(mem_kb "$D_PID" voluntary_ctxt_switches)
		k1=$(dev_packets "$ns" "$IPERF_DEV")
	fi
	bytes=$(printf '%s\n' "$js" | jq -r '.end.sum_received.bytes // empty' 2>/dev/null)
	bps=$(printf '%s\n' "$js" | jq -r '.end.sum_received.bits_per_second // empty' 2>/dev/null)
	retr=$(printf '%s\n' "$js" | jq -r '.end.sum_sent.retransmits // empty' 2>/dev/null)
	if [ -z "$bytes" ] || [ "$bytes" = 0 ]; then
		t_info "iperf3 to $dst from $ns failed: $(printf '%s\n' "$js" | jq -r '.error // empty' 2>/dev/null || printf '%s' "$js" | tail -3)"
		return 1
	fi
	res "${p}_mbps" "$(awk -v b="$bps" 'BEGIN { printf "%.1f", b / 1e6 }')" Mbit/s
	res "${p}_retransmits" "${retr:-?}" segments
	gb=$(awk -v b="$bytes" 'BEGIN { printf "%.6f", b / 1e9 }')
	# the first second (-O 1) is omitted from bytes but not from CPU:
	# count it by scaling the bytes to the whole run
	gb=$(awk -v g="$gb" -v t="$BENCH_SECONDS" 'BEGIN { printf "%.6f", g * (t + 1) / t }')
	res "${p}_vpnserver_cpu_s_per_gb" \
	    "$(awk -v d=$((s1 - s0)) -v h="$HZ" -v g="$gb" 'BEGIN { printf "%.2f", d / h / g }')" s/GB
	if [ -n "${D_PID:-}" ]; then
		res "${p}_sstpcd_cpu_s_per_gb" \
		    "$(awk -v d=$((d1 - d0)) -v h="$HZ" -v g="$gb" 'BEGIN { printf "%.2f", d / h / g }')" s/GB
		res "${p}_sstpcd_cpu_pct" \
		    "$(awk -v d=$((d1 - d0)) -v h="$HZ" -v t="$BENCH_SECONDS" 'BEGIN { printf "%.0f", 100 * d / h / (t + 1) }')" "% of one core"
		# how often the daemon slept in its event loop per packet
		# through the TUN device (both directions): batching shows
		# as fewer than one wakeup per packet
		res "${p}_tun_kpps" \
		    "$(awk -v k=$((k1 - k0)) -v t="$BENCH_SECONDS" 'BEGIN { printf "%.1f", k / (t + 1) / 1000 }')" "kpkt/s"
		res "${p}_sstpcd_wakeups_per_pkt" \
		    "$(awk -v w=$((w1 - w0)) -v k=$((k1 - k0)) 'BEGIN { printf "%.3f", k ? w / k : 0 }')" ""
	fi
}

# --- the server side -----------------------------------------------------

CNS=${T_ID}c
INS=${T_ID}ip
BNS=${T_ID}ib
t_netns_new "$CNS"
softether_up a "$CNS"
eval "$(softether_env a)"
t_netns_new "$INS"
t_netns_new "$BNS"

# bridge_tap NAME NS ADDR: a local bridge of the hub to tap_NAME, moved to NS
bridge_tap() {
	local name=$1 ns=$2 addr=$3 dev=tap_$1
	softether_vpncmd a /CMD BridgeCreate "$SE_HUB" "/DEVICE:$name" /TAP:yes \
	    >"$T_DIR/bridge-$name.out" 2>&1 ||
	    { cat "$T_DIR/bridge-$name.out" >&2; t_fail "BridgeCreate $name failed"; }
	t_wait_for 10 ip -n "$SE_NS" link show "$dev" ||
	    t_fail "vpnserver made no $dev"
	ip -n "$SE_NS" link set "$dev" netns "$ns" || t_fail "cannot move $dev to $ns"
	ip -n "$ns" addr add "$addr/24" dev "$dev" || t_fail "cannot address $dev"
	ip -n "$ns" link set "$dev" up || t_fail "cannot bring $dev up"
}
bridge_tap bsrv "$INS" "$IPERF_IP"
bridge_tap bcli "$BNS" "$BASE_IP"
t_wait_for 15 ip netns exec "$INS" ping -c1 -W1 "$SE_VHOST" ||
    t_fail "the iperf3 host cannot reach SecureNAT's $SE_VHOST through the bridge"
t_wait_for 15 ip netns exec "$BNS" ping -c1 -W1 "$IPERF_IP" ||
    t_fail "the baseline host cannot reach $IPERF_IP through the hub"

t_bg "$INS" "$T_DIR/iperf3-server.log" iperf3 -s
listening() { ip netns exec "$INS" ss -Hltn 'sport = :5201' | grep -q .; }
t_wait_for 10 listening ||
    t_fail "iperf3 server not listening"

# The hub alone (TAP -> vpnserver -> TAP), for context.
D_PID=
ping_rtt "$BNS" "" "$IPERF_IP" hub_ping || t_fail "ping through the hub failed"
iperf "$BNS" "$IPERF_IP" hub_tcp_up || t_fail "iperf3 through the hub failed"

if [ "$BENCH_SETUP_ONLY" = 1 ]; then
	results_write
	t_pass "setup only"
fi

# --- the client: sstpcd with the built-in engine -------------------------

t_start_sstpcd "$CNS" "$T_DIR/d" ${BENCH_SSTPCD_ARGS:-}
# t_start_sstpcd's pid is the shell running 'ip netns exec'; find sstpcd
D_PID=$(pgrep -P "$T_SSTPCD_PID" -x sstpcd || echo "$T_SSTPCD_PID")
t_cleanup _t_kill "$D_PID" 10
res sstpcd_idle_rss_kb "$(mem_kb "$D_PID" VmRSS)" kB

ctl() { t_sstpctl "$@"; }
mon() {
	ctl /interface sstp-client monitor "$1" once 2>/dev/null |
	    sed -n "s/^ *$2: //p" | head -1
}
is_up() { [ "$(mon "$1" status)" = connected ] && ip -n "$CNS" link show "$1" >/dev/null 2>&1; }
is_gone() { ! ip -n "$CNS" link show "$1" >/dev/null 2>&1; }

# up_wait NAME TIMEOUT: poll every 20 ms; every second, give up early on an
# sstpcd without the built-in engine (what it reports, the numbers so far)
up_wait() {
	local i n=$(($2 * 50)) m
	for ((i = 0; i < n; i++)); do
		is_up "$1" && return 0
		if [ $((i % 50)) = 49 ]; then
			m=$(ctl /interface sstp-client monitor "$1" once 2>&1)
			if [[ $m == *"not built"* ]] || grep -q "$1: .*not built" "$T_DIR/d/sstpcd.log"; then
				results_write
				t_skip "this sstpcd has no $BENCH_ENGINE PPP engine (hub numbers only)"
			fi
		fi
		sleep 0.02
	done
	return 1
}

# tunnel_add NAME
tunnel_add() {
	ctl /interface sstp-client add name="$1" connect-to="$SE_HOST" \
	    user="$SE_USER" password="$SE_PASSWORD" ca-certificate="$SE_CA" \
	    ppp-engine="$BENCH_ENGINE" disabled=yes >/dev/null ||
	    t_fail "sstpctl add $1 failed"
}

not_up() {
	results_write
	t_info "monitor $1: $(ctl /interface sstp-client monitor "$1" once 2>&1 | tr '\n' ' ')"
	t_fail "tunnel $1 did not come up (the hub numbers above were measured)"
}

tunnel_add sb1
times=()
for ((r = 1; r <= BENCH_RUNS; r++)); do
	t0=$EPOCHREALTIME
	ctl /interface sstp-client enable sb1 >/dev/null || t_fail "enable sb1 failed"
	up_wait sb1 30 || not_up sb1
	t1=$EPOCHREALTIME
	times+=("$(elapsed "$t0" "$t1")")
	if [ "$r" -lt "$BENCH_RUNS" ]; then
		ctl /interface sstp-client disable sb1 >/dev/null
		t_wait_for 15 is_gone sb1 || t_fail "sb1 device left after disable"
		# SoftEther needs a moment to forget the session
		sleep 0.5
	fi
done
res connect_median_s "$(printf '%s\n' "${times[@]}" | median)" s
res connect_min_s "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" s
res connect_max_s "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)" s
res connect_runs "$BENCH_RUNS" runs
# Where the time went, from sstpcd's log lines (best effort: skipped when
# the lines are not there): TCP+TLS+SSTP call+LCP+auth, then until IPCP is
# up, then until the interface is up.
phases=$(awk '
	function t(s,  a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
	/ sb1: connecting / { c = t($1); s = i = "" }
	/ sb1: sstp state=connected/ && c != "" { s = t($1) }
	/ sb1: ipcp up/ && s != "" { i = t($1) }
	/ sb1: state=connected/ && i != "" {
		printf "%.3f %.3f %.3f\n", s - c, i - s, t($1) - i; c = "" }
' "$T_DIR/d/sstpcd.log")
if [ -n "$phases" ]; then
	res connect_call_auth_median_s "$(awk '{print $1}' <<<"$phases" | median)" s
	res connect_ipcp_median_s "$(awk '{print $2}' <<<"$phases" | median)" s
	res connect_to_iface_median_s "$(awk '{print $3}' <<<"$phases" | median)" s
fi
res tunnel_encoding "$(mon sb1 encoding | tr -s ' ' '_')" ""
res tunnel_mtu "$(ip -n "$CNS" -o link show sb1 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" bytes

IPERF_DEV=sb1
ip -n "$CNS" route replace "$IPERF_IP/32" dev sb1 || t_fail "cannot route $IPERF_IP via sb1"
res sstpcd_1tunnel_rss_kb "$(mem_kb "$D_PID" VmRSS)" kB

ping_rtt "$CNS" sb1 "$SE_VHOST" tunnel_ping_vhost || t_fail "ping to $SE_VHOST through sb1 failed"
ping_rtt "$CNS" sb1 "$IPERF_IP" tunnel_ping_iperfhost || t_fail "ping to $IPERF_IP through sb1 failed"
iperf "$CNS" "$IPERF_IP" tunnel_tcp_up || t_fail "iperf3 upload through sb1 failed"
iperf "$CNS" "$IPERF_IP" tunnel_tcp_down -R || t_fail "iperf3 download through sb1 failed"
res sstpcd_1tunnel_hwm_kb "$(mem_kb "$D_PID" VmHWM)" kB
res sstpcd_1tunnel_rss_after_kb "$(mem_kb "$D_PID" VmRSS)" kB

# N tunnels up at once (sb1 plus N-1 more).
rss1=${R[sstpcd_1tunnel_rss_after_kb]}
for ((i = 2; i <= BENCH_TUNNELS; i++)); do
	tunnel_add "sb$i"
	ctl /interface sstp-client enable "sb$i" >/dev/null || t_fail "enable sb$i failed"
done
for ((i = 2; i <= BENCH_TUNNELS; i++)); do
	up_wait "sb$i" 60 || not_up "sb$i"
done
res tunnels_up "$BENCH_TUNNELS" tunnels
# SoftEther names them SID-<USER>-[SSTP]-<n>
res vpnserver_sstp_sessions "$(softether_vpncmd a "/HUB:$SE_HUB" /CMD SessionList 2>/dev/null |
    grep -c '^Session Name *|SID-.*-\[SSTP\]-')" sessions
ping_rtt "$CNS" "sb$BENCH_TUNNELS" "$SE_VHOST" tunnel_n_ping_vhost ||
    t_fail "ping through sb$BENCH_TUNNELS failed"
rssn=$(mem_kb "$D_PID" VmRSS)
res sstpcd_ntunnel_rss_kb "$rssn" kB
res sstpcd_ntunnel_hwm_kb "$(mem_kb "$D_PID" VmHWM)" kB
[ "$BENCH_TUNNELS" -gt 1 ] &&
    res sstpcd_rss_per_tunnel_kb \
	"$(awk -v a="$rss1" -v b="$rssn" -v n="$BENCH_TUNNELS" 'BEGIN { printf "%.0f", (b - a) / (n - 1) }')" kB

for ((i = 1; i <= BENCH_TUNNELS; i++)); do
	ctl /interface sstp-client remove "sb$i" >/dev/null
done
t_wait_for 20 bash -c "! ip -n '$CNS' -o link show | grep -q ' sb[0-9]*[:@]'" ||
    t_info "devices left after remove: $(ip -n "$CNS" -o link show | grep ' sb')"

results_write
t_pass
