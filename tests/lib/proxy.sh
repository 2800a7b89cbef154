# proxy.sh - a real HTTP CONNECT proxy from Debian (tinyproxy or squid) for
# sstpcd's integration tests.  Source it after common.sh (bash).
#
#   . "$(dirname "$0")/../lib/common.sh"
#   . "$(dirname "$0")/../lib/proxy.sh"
#   proxy_need                                   # skips without tinyproxy
#   proxy_up p1 "${T_ID}px" 10.98.0.1:3128 open
#   proxy_up p2 "${T_ID}px" 10.98.0.1:3129 auth user=alice password=S3cret
#   proxy_up p3 "${T_ID}px" 10.98.0.1:3130 noconnect kind=squid
#   ... http-proxy=$PX_HOST proxy-port=$PX_PORT
#
# Each proxy runs in the network namespace the test names (the namespace,
# its addresses and routes to the server are the test's business), in the
# foreground under the test's control, with private config, pid and log
# files in $T_DIR/proxy-<TAG> (squid: in a directory its "proxy" user can
# write, also removed at exit), and is stopped at the test's exit.
#
# Modes:
#   open       CONNECT to any port, no authentication
#   auth       CONNECT needs Basic credentials (user=, password=): 407 without;
#              a wrong password gets 407 from squid but 401 from tinyproxy 1.11
#   noconnect  every CONNECT is refused (403)
#
# Functions (stable names):
#   proxy_need [KIND]            skip unless KIND (tinyproxy, default; squid) is here
#   proxy_up TAG NS ADDR:PORT MODE [KEY=VALUE...]
#       Keys: kind (tinyproxy | squid), user (proxyuser), password (Proxy-Pass1).
#       Waits until the proxy listens; sets the PX_* variables.
#   proxy_env TAG                print this proxy's PX_* as shell assignments
#   proxy_down TAG               stop it
#   proxy_connect_code TAG CLIENT_NS HOST:PORT [USER:PASS]
#       print the HTTP status the proxy answers to CONNECT HOST:PORT (curl)
#
# Variables: PX_TAG PX_KIND PX_MODE PX_NS PX_HOST PX_PORT PX_HOSTPORT
#   PX_USER PX_PASSWORD PX_DIR PX_PID PX_LOG

if ! declare -F t_cleanup >/dev/null; then
	. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fi

proxy_need() {
	t_need_netns
	case ${1:-tinyproxy} in
	tinyproxy)	t_need_cmd tinyproxy ;;
	squid)		t_need_cmd squid
			[ -x /usr/lib/squid/basic_ncsa_auth ] ||
			    t_skip "squid's basic_ncsa_auth missing" ;;
	*)		t_fail "proxy_need: unknown kind $1" ;;
	esac
	t_need_cmd curl
}

_px_dir() { echo "$T_DIR/proxy-$1"; }

proxy_env() {
	_t_envfile "$(_px_dir "$1")/proxy.env" "proxy $1"
}

_px_tinyproxy_conf() { # DIR HOST PORT MODE USER PASS
	local d=$1
	{
		echo "# tinyproxy for an sstpcd test (mode $4)"
		echo "Port $3"
		echo "Listen $2"
		echo "Timeout 600"
		echo "MaxClients 64"
		echo "LogLevel Info"
		echo "PidFile \"$d/tinyproxy.pid\""
		echo "DisableViaHeader Yes"
		case $4 in
		auth)		echo "BasicAuth $5 $6" ;;
		noconnect)	echo "ConnectPort 1" ;;   # every real port refused
		esac
	} >"$d/tinyproxy.conf"
	chmod 600 "$d/tinyproxy.conf"
}

_px_squid_conf() { # DIR RUNDIR HOST PORT MODE USER PASS
	local d=$1 r=$2
	{
		echo "# squid for an sstpcd test (mode $5)"
		echo "http_port $3:$4"
		echo "pid_filename $r/squid.pid"
		echo "cache_log $r/cache.log"
		echo "access_log stdio:$r/access.log"
		echo "cache deny all"
		echo "cache_mem 8 MB"
		echo "shutdown_lifetime 1 seconds"
		echo "dns_nameservers 127.0.0.1"
		echo "hosts_file $r/hosts"
		echo "coredump_dir $r"
		echo "netdb_filename none"
		echo "pinger_enable off"
		echo "via off"
		echo "forwarded_for delete"
		case $5 in
		auth)
			echo "auth_param basic program /usr/lib/squid/basic_ncsa_auth $r/passwd"
			echo "auth_param basic realm sstpcd-test"
			echo "acl authed proxy_auth REQUIRED"
			echo "http_access deny !authed"
			echo "http_access allow all" ;;
		noconnect)
			echo "http_access deny CONNECT"
			echo "http_access allow all" ;;
		*)
			echo "http_access allow all" ;;
		esac
	} >"$d/squid.conf"
	printf '127.0.0.1 localhost\n' >"$r/hosts"
	if [ "$5" = auth ]; then
		printf '%s:%s\n' "$6" "$(openssl passwd -1 "$7")" >"$r/passwd"
		chmod 640 "$r/passwd"
	fi
}

_px_listening() { # NS HOST PORT
	ip netns exec "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

proxy_up() {
	local tag=$1 ns=$2 hp=$3 mode=$4 kv k v
	shift 4 || t_fail "usage: proxy_up TAG NS ADDR:PORT MODE [KEY=VALUE...]"
	local kind=tinyproxy user=proxyuser password=Proxy-Pass1
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		case $k in
		kind|user|password) printf -v "$k" '%s' "$v" ;;
		*) t_fail "proxy_up: unknown setting $k" ;;
		esac
	done
	case $mode in
	open|auth|noconnect) ;;
	*) t_fail "proxy_up: mode must be open, auth or noconnect" ;;
	esac
	local host=${hp%:*} port=${hp##*:} dir rundir pid logf i
	dir=$(_px_dir "$tag")
	[ -e "$dir" ] && t_fail "proxy $tag exists already"
	mkdir -p "$dir"
	case $kind in
	tinyproxy)
		_px_tinyproxy_conf "$dir" "$host" "$port" "$mode" "$user" "$password"
		logf=$dir/tinyproxy.log
		# -d: foreground, log to stderr; running as root is fine for a test
		ip netns exec "$ns" tinyproxy -d -c "$dir/tinyproxy.conf" \
		    </dev/null >"$logf" 2>&1 &
		pid=$!
		;;
	squid)
		# squid drops to its "proxy" user, which cannot enter $T_DIR
		rundir=$(mktemp -d /tmp/sstpcd-squid.XXXXXX)
		t_cleanup rm -rf "$rundir"
		_px_squid_conf "$dir" "$rundir" "$host" "$port" "$mode" "$user" "$password"
		chown -R proxy:proxy "$rundir"
		chmod 750 "$rundir"
		cp "$dir/squid.conf" "$rundir/squid.conf"
		logf=$rundir/cache.log
		ip netns exec "$ns" squid -N -f "$rundir/squid.conf" \
		    </dev/null >"$dir/squid.out" 2>&1 &
		pid=$!
		t_log "$dir/squid.out" "squid $tag output"
		t_log "$rundir/access.log" "squid $tag access log"
		;;
	*)	t_fail "proxy_up: unknown kind $kind" ;;
	esac
	t_cleanup proxy_down "$tag"
	t_log "$logf" "$kind $tag log"
	cat >"$dir/proxy.env" <<-EOF
	PX_TAG=$tag
	PX_KIND=$kind
	PX_MODE=$mode
	PX_NS=$ns
	PX_HOST=$host
	PX_PORT=$port
	PX_HOSTPORT=$hp
	PX_USER=$user
	PX_PASSWORD=$password
	PX_DIR=$dir
	PX_PID=$pid
	PX_LOG=$logf
	EOF
	chmod 600 "$dir/proxy.env"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || t_fail "$kind $tag exited at start"
		_px_listening "$ns" "$host" "$port" && break
		sleep 0.1
	done
	_px_listening "$ns" "$host" "$port" || t_fail "$kind $tag not listening on $hp after 10 s"
	eval "$(cat "$dir/proxy.env")"
	t_info "proxy $tag up: $kind $mode on $hp ns=$ns"
}

proxy_down() {
	local tag=$1 f pid i
	f=$(_px_dir "$tag")/proxy.env
	[ -s "$f" ] || return 0
	pid=$(sed -n 's/^PX_PID=//p' "$f")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

proxy_connect_code() {
	local tag=$1 cns=$2 target=$3 cred=${4:-} hp code
	hp=$(sed -n 's/^PX_HOSTPORT=//p' "$(_px_dir "$tag")/proxy.env")
	# curl asks for CONNECT and stops at the proxy's answer; the TLS that
	# follows (or not) does not matter here
	code=$(ip netns exec "$cns" curl -s -o /dev/null -m 10 -k -p \
	    -x "http://${cred:+$cred@}$hp" -w '%{http_connect}' "https://$target/" 2>/dev/null)
	echo "${code:-000}"
}
