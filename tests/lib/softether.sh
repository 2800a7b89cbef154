# softether.sh - SoftEther VPN Server (Debian's softether-vpnserver) as the
# SSTP peer of sstpcd's integration tests.  Source it after common.sh (bash).
#
#   . "$(dirname "$0")/../lib/common.sh"
#   . "$(dirname "$0")/../lib/softether.sh"
#   t_need_root; softether_need
#   t_netns_new "${T_ID}c"
#   softether_up a "${T_ID}c"                    # peer "a", client side in ${T_ID}c
#   softether_up b "${T_ID}c" user=bob password=Secret-2 hostname=vpn.b.test
#   eval "$(softether_env a)"                    # SE_* of peer "a" again
#   ... connect-to=$SE_HOST user=$SE_USER password=$SE_PASSWORD ca-certificate=$SE_CA
#   t_ns "${T_ID}c" ping -c1 "$SE_VHOST"          # once a tunnel is up
#
# Every peer gets its own server namespace (${T_ID}se<TAG>), a veth to the
# client namespace the test names (10.99.<k>.1/30 client side, 10.99.<k>.2/30
# server side, k = 1, 2, ... per peer), its own work dir $T_DIR/softether-<TAG>
# (PKI, config, logs) and is stopped at the test's exit.  The server
# namespace has no route out; the config turns off every UDP listener, DDNS,
# keep-alive, NAT traversal, VPN Azure, OpenVPN and IPsec.  Inside its private
# mount namespace vpnserver's fixed state dirs (/var/lib/softether,
# /var/log/softether, /run/softether) and /etc/hosts, /etc/resolv.conf are
# bind mounts of files in the work dir (only the three empty mount points
# are created outside it).
#
# Functions (stable names):
#   softether_need               skip the test unless SoftEther and tools are here
#   softether_up TAG CLIENT_NS [KEY=VALUE...]
#       Keys: user (sstpuser), password (SstpTest-Pass1), hub (DEFAULT),
#       port (443), hostname (sstp-peer.test: the certificate's CN and
#       DNS SAN; the SAN also carries the server IP), admin_password,
#       users ("u1:p1 u2:p2": more users), nat (0; 1 keeps SecureNAT's NAT on),
#       cert, key (PEM server certificate and key to use instead of the
#       generated ones; the cert should also be given as ca= or chain
#       checks fail), ca (CA file reported in SE_CA), ready_timeout (30).
#       Sets the SE_* variables below for this peer.
#   softether_env TAG            print this peer's SE_* as shell assignments
#   softether_down TAG           stop the server, delete its namespace
#   softether_vpncmd TAG ARG...  vpncmd with admin rights, e.g.
#                                softether_vpncmd a /HUB:DEFAULT /CMD SessionList
#   softether_sessions TAG       print the number of sessions on the hub
#   softether_check_tls TAG [NAME]   TLS handshake verifying the chain against
#                                SE_CA and the name NAME (default SE_HOSTNAME)
#   softether_check_sstp TAG [CLIENT_NS [PROXY_HOST:PORT [USER:PASS]]]
#                                send SSTP_DUPLEX_POST with openssl s_client
#                                (from CLIENT_NS, default SE_CLIENT_NS, through
#                                the proxy if given), succeed on "HTTP/1.1 200"
#   softether_kill TAG           SIGKILL the server (a crash, for reconnect tests)
#   softether_stop TAG           stop the server (SIGTERM); namespace and state stay
#   softether_start TAG          start it again (after stop or kill), wait for TCP
#   softether_restart TAG [SECONDS]  stop, wait SECONDS, start: hub, users and
#                                SecureNAT survive (the setup is flushed to disk)
#
# Variables set by softether_up (and by eval "$(softether_env TAG)"):
#   SE_TAG SE_HOST (server address) SE_PORT SE_HOSTNAME (cert name)
#   SE_USER SE_PASSWORD SE_HUB SE_CA SE_CLIENT_IP SE_CLIENT_NS SE_NS (server
#   namespace) SE_DIR SE_PID SE_LOG (server output) SE_ADMIN_PASSWORD
#   SE_VHOST (SecureNAT's virtual host, 192.168.30.1; answers ping)
#   SE_CONNECT (host:port)
#
# Debian 12's softether-vpnserver (5.01.9674+git20200806+8181039) has an
# upstream bug fixed later in SoftEther (Cedar/Proto.c, "fix crash in
# ProtoHandleConnection()", Dec 2020): for SSTP, ProtoHandleConnection()
# reads the protocol container through a NULL pointer; the compiler turned
# that branch into "return false", so every SSTP_DUPLEX_POST is dropped
# without an answer and the TLS connection idles until a ~20 s timeout.
# _softether_binary copies the binary into the work dir and rewrites that
# lookup loop (65 bytes at file offsets 0x3a00f and 0x3a020) so it uses the
# container it found, as the upstream fix does.  The system binary is never
# touched; another build is run unpatched with a warning.

if ! declare -F t_cleanup >/dev/null; then
	. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fi

SE_VPNSERVER=/usr/libexec/softether/vpnserver/vpnserver
SE_VPNCMD=/usr/libexec/softether/vpncmd/vpncmd
SE_SHA256_DEBIAN12=487e51a73f152c9042837975044edd6d11cef4f29eaff2162512f2b897054212
SE_SHA256_PATCHED=c24080ccc40a029702c2a3950341a2732438d7a776dfd8fcd116b3f460cc913c
_se_n=0

softether_need() {
	t_need_netns
	[ -x "$SE_VPNSERVER" ] || t_skip "softether-vpnserver not installed (scripts/install-deps.sh)"
	[ -x "$SE_VPNCMD" ] || t_skip "softether-vpncmd not installed (scripts/install-deps.sh)"
	t_need_cmd openssl nsenter timeout base64 sha256sum od dd
}

_se_dir() { echo "$T_DIR/softether-$1"; }

softether_env() {
	_t_envfile "$(_se_dir "$1")/peer.env" "softether $1"
}

_se_load() {
	local f
	f=$(_se_dir "$1")/peer.env
	[ -s "$f" ] || t_fail "softether: no peer named $1"
	eval "$(cat "$f")"
}

# _se_patch FILE OFFSET OLDHEX NEWHEX
_se_patch() {
	local f=$1 off=$2 old=$3 new=$4 n got
	n=$(echo $old | wc -w)
	got=$(od -An -tx1 -v -j "$off" -N "$n" "$f" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//')
	[ "$got" = "$old" ] || return 1
	printf "$(echo " $new" | sed 's/ /\\x/g')" |
	    dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

_softether_binary() { # DIR
	local d=$1/bin sum
	mkdir -p "$d"
	cp "$SE_VPNSERVER" "$d/vpnserver"
	ln -sf "$(readlink -f "$(dirname "$SE_VPNSERVER")/hamcore.se2")" "$d/hamcore.se2"
	sum=$(sha256sum "$d/vpnserver" | cut -d' ' -f1)
	if [ "$sum" != "$SE_SHA256_DEBIAN12" ]; then
		t_info "softether: vpnserver is not the Debian 12 build (sha256 $sum); running it unpatched"
		return 0
	fi
	_se_patch "$d/vpnserver" $((0x3a00f)) \
	    "48 8b 47 08 31 db 48 89 c2 48 85 c0 75 28 eb 31 90" \
	    "49 8b 57 08 45 31 ed 48 85 d2 75 2d eb 33 90 90 90" &&
	_se_patch "$d/vpnserver" $((0x3a020)) \
	    "48 8b 52 10 89 d8 48 89 ee 48 8b 04 c2 48 8b 38 e8 9b 1b 13 00 85 c0 74 17 49 8b 57 08 83 c3 01 48 85 d2 74 0b 3b 5a 08 72 d6 66 0f 1f 44 00 00" \
	    "48 8b 52 10 4e 8b 24 ea 48 89 ee 49 8b 3c 24 e8 9c 1b 13 00 85 c0 4c 89 e0 74 71 49 8b 57 08 41 83 c5 01 48 85 d2 74 08 44 3b 6a 08 72 d2 66 90" ||
	    t_fail "softether: unexpected bytes in vpnserver, cannot patch"
	sum=$(sha256sum "$d/vpnserver" | cut -d' ' -f1)
	[ "$sum" = "$SE_SHA256_PATCHED" ] || t_fail "softether: patched vpnserver has sha256 $sum"
}

_softether_pki() { # DIR NAME IP
	local d=$1/pki name=$2 ip=$3
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
	    -days 3650 -subj "/CN=sstpcd test CA $name" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
	    -subj "/CN=$name" 2>/dev/null || return 1
	cat >"$d/server.ext" <<-EOF
	subjectAltName=DNS:$name,IP:$ip
	basicConstraints=critical,CA:FALSE
	keyUsage=critical,digitalSignature,keyEncipherment
	extendedKeyUsage=serverAuth
	EOF
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	    -CAcreateserial -out "$d/server.pem" -days 825 -extfile "$d/server.ext" \
	    2>/dev/null || return 1
	openssl verify -CAfile "$d/ca.pem" "$d/server.pem" >/dev/null
}

_softether_config() { # DIR PORT HUB CERTPEM KEYPEM
	local f=$1/db/vpn_server.config port=$2 hub=$3 cert key
	# SoftEther keeps the certificate and the (PKCS#1) key as base64 DER.
	cert=$(openssl x509 -in "$4" -outform DER | base64 -w0) || return 1
	key=$(openssl rsa -in "$5" -traditional -outform DER 2>/dev/null | base64 -w0) || return 1
	printf '\357\273\277' >"$f"
	cat >>"$f" <<-EOF
	# written by sstpcd tests/lib/softether.sh: an isolated SSTP test peer
	declare root
	{
		uint ConfigRevision 0
		bool IPsecMessageDisplayed true
		string Region $
		declare DDnsClient
		{
			bool Disabled true
		}
		declare IPsec
		{
			bool EtherIP_IPsec false
			string IPsec_Secret vpn
			string L2TP_DefaultHub $hub
			bool L2TP_IPsec false
			bool L2TP_Raw false
		}
		declare ListenerList
		{
			declare Listener0
			{
				bool DisableDos true
				bool Enabled true
				uint Port $port
			}
		}
		declare ServerConfiguration
		{
			bool BackupConfigOnlyWhenModified true
			string CipherName ~DEFAULT~
			bool DisableDosProtection true
			bool DisableGetHostNameWhenAcceptTcp true
			bool DisableIPv6Listener true
			bool DisableJsonRpcWebApi true
			bool DisableNatTraversal true
			bool DisableSessionReconnect false
			bool DontBackupConfig true
			bool EnableVpnAzure false
			bool EnableVpnOverDns false
			bool EnableVpnOverIcmp false
			string KeepConnectHost 127.0.0.1
			uint KeepConnectInterval 600
			uint KeepConnectPort 9
			uint KeepConnectProtocol 1
			string ListenIP 0.0.0.0
			bool NoHighPriorityProcess true
			string PortsUDP $
			bool SaveDebugLog false
			byte ServerCert $cert
			byte ServerKey $key
			uint ServerType 0
			bool UseKeepConnect false
			string UsernameHubSeparator @
			bool UseWebTimePage false
			bool UseWebUI false
			declare Proto
			{
				declare OpenVPN
				{
					bool Enabled false
				}
				declare SSTP
				{
					bool Enabled true
				}
			}
		}
	}
	EOF
}

_se_pid_alive() { # PIDFILE -> prints pid
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	[ -d "/proc/$pid" ] || return 1
	grep -q vpnserver "/proc/$pid/cmdline" 2>/dev/null || return 1
	echo "$pid"
}

_se_tcp_ok() { # NS HOST PORT
	ip netns exec "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

# _softether_start TAG [TIMEOUT]: start the peer's vpnserver (its namespace
# and files exist) and wait until it accepts TCP; sets SE_PID.
_softether_start() {
	local tag=$1 tmo=${2:-30} dir ns cns sip port pid i
	dir=$(_se_dir "$tag")
	ns=$(sed -n 's/^SE_NS=//p' "$dir/peer.env")
	cns=$(sed -n 's/^SE_CLIENT_NS=//p' "$dir/peer.env")
	sip=$(sed -n 's/^SE_HOST=//p' "$dir/peer.env")
	port=$(sed -n 's/^SE_PORT=//p' "$dir/peer.env")
	rm -f "$dir/vpnserver.pid"
	# 'ip netns exec' gives the command a private mount namespace, so the
	# bind mounts below are seen by this vpnserver only.
	ip netns exec "$ns" /bin/sh -c '
		set -e
		mount --bind "$1/db" /var/lib/softether
		mount --bind "$1/log" /var/log/softether
		mount --bind "$1/run" /run/softether
		mount --bind "$1/resolv.conf" /etc/resolv.conf
		mount --bind "$1/hosts" /etc/hosts
		echo $$ >"$1/vpnserver.pid"
		exec "$1/bin/vpnserver" start --foreground' sh "$dir" \
	    </dev/null >>"$dir/vpnserver.out" 2>&1 &
	for ((i = 0; i < 50; i++)); do
		[ -s "$dir/vpnserver.pid" ] && break
		sleep 0.1
	done
	pid=$(_se_pid_alive "$dir/vpnserver.pid") || t_fail "softether $tag: vpnserver did not start"
	sed -i "s/^SE_PID=.*/SE_PID=$pid/" "$dir/peer.env"
	SE_PID=$pid
	for ((i = 0; i < tmo * 5; i++)); do
		_se_pid_alive "$dir/vpnserver.pid" >/dev/null || t_fail "softether $tag: vpnserver exited"
		_se_tcp_ok "$cns" "$sip" "$port" && return 0
		sleep 0.2
	done
	t_fail "softether $tag: nothing listens on $sip:$port after ${tmo}s"
}

softether_up() {
	local tag=$1 cns=$2 kv k v
	shift 2
	[ -n "$tag" ] && [ -n "$cns" ] || t_fail "usage: softether_up TAG CLIENT_NS [KEY=VALUE...]"
	local user=sstpuser password=SstpTest-Pass1 hub=DEFAULT port=443
	local hostname=sstp-peer.test admin_password=SstpTest-Admin1 users= nat=0
	local cert= key= ca= ready_timeout=30
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		case $k in
		user|password|hub|port|hostname|admin_password|users|nat|cert|key|ca|ready_timeout)
			printf -v "$k" '%s' "$v" ;;
		*)	t_fail "softether_up: unknown setting $k" ;;
		esac
	done
	local dir ns pid i n t0
	dir=$(_se_dir "$tag")
	ns="${T_ID}se$tag"
	[ -e "$dir" ] && t_fail "softether peer $tag exists already"
	_se_n=$((_se_n + 1))
	n=$_se_n
	local cip=10.99.$n.1 sip=10.99.$n.2
	t0=$EPOCHREALTIME
	mkdir -p "$dir/db" "$dir/log" "$dir/run"
	chmod 700 "$dir"

	_softether_binary "$dir"
	if [ -n "$cert" ]; then
		[ -n "$key" ] || t_fail "softether_up: cert= needs key="
		mkdir -p "$dir/pki"
		cp "$cert" "$dir/pki/server.pem"
		cp "$key" "$dir/pki/server.key"
		if [ -n "$ca" ]; then cp "$ca" "$dir/pki/ca.pem"; else cp "$cert" "$dir/pki/ca.pem"; fi
	else
		_softether_pki "$dir" "$hostname" "$sip" || t_fail "softether: cannot make the PKI"
	fi
	_softether_config "$dir" "$port" "$hub" "$dir/pki/server.pem" "$dir/pki/server.key" ||
	    t_fail "softether: cannot write the config"
	echo "nameserver 127.0.0.1" >"$dir/resolv.conf"
	printf '127.0.0.1 localhost\n%s %s\n' "$sip" "$hostname" >"$dir/hosts"
	mkdir -p /var/lib/softether /var/log/softether /run/softether

	t_netns_new "$ns"
	t_veth "$cns" "$cip/30" "$ns" "$sip/30"

	cat >"$dir/peer.env" <<-EOF
	SE_TAG=$tag
	SE_HOST=$sip
	SE_PORT=$port
	SE_CONNECT=$sip:$port
	SE_HOSTNAME=$hostname
	SE_USER=$user
	SE_PASSWORD=$password
	SE_HUB=$hub
	SE_CA=$dir/pki/ca.pem
	SE_CLIENT_IP=$cip
	SE_CLIENT_NS=$cns
	SE_NS=$ns
	SE_DIR=$dir
	SE_PID=
	SE_LOG=$dir/vpnserver.out
	SE_ADMIN_PASSWORD=$admin_password
	SE_VHOST=192.168.30.1
	EOF
	chmod 600 "$dir/peer.env"

	t_cleanup softether_down "$tag"
	t_log "$dir/vpnserver.out" "vpnserver $tag output"
	_softether_start "$tag" "$ready_timeout"
	pid=$SE_PID

	# The admin password is empty until the last command sets it.
	{
		echo "HubCreate $hub /PASSWORD:$admin_password"
		echo "Hub $hub"
		echo "UserCreate $user /GROUP:none /REALNAME:none /NOTE:none"
		echo "UserPasswordSet $user /PASSWORD:$password"
		for kv in $users; do
			echo "UserCreate ${kv%%:*} /GROUP:none /REALNAME:none /NOTE:none"
			echo "UserPasswordSet ${kv%%:*} /PASSWORD:${kv#*:}"
		done
		echo "SecureNatEnable"
		[ "$nat" = 1 ] || echo "NatDisable"
		echo "Hub"
		echo "ServerPasswordSet $admin_password"
		echo "Flush"
	} >"$dir/setup.vpncmd"
	chmod 600 "$dir/setup.vpncmd"
	nsenter -t "$pid" -n -m "$SE_VPNCMD" "127.0.0.1:$port" /SERVER /PASSWORD: \
	    "/IN:$dir/setup.vpncmd" "/OUT:$dir/setup.out" </dev/null >/dev/null 2>&1
	if ! softether_vpncmd "$tag" "/HUB:$hub" /CMD UserGet "$user" >"$dir/check.out" 2>&1 ||
	    ! softether_vpncmd "$tag" "/HUB:$hub" /CMD SecureNatStatusGet >>"$dir/check.out" 2>&1; then
		t_log "$dir/setup.out" "vpncmd setup of $tag"
		t_log "$dir/check.out" "vpncmd check of $tag"
		t_fail "softether $tag: setup with vpncmd failed (user $user or SecureNAT missing)"
	fi
	eval "$(cat "$dir/peer.env")"
	softether_check_tls "$tag" || t_fail "softether $tag: TLS check with $SE_CA failed"
	t_info "softether $tag up: $sip:$port ($hostname) ns=$ns in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
}

softether_down() {
	local tag=$1 dir
	dir=$(_se_dir "$tag")
	softether_stop "$tag"
	rm -f "$dir/vpnserver.pid"
	if ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF "${T_ID}se$tag"; then
		ip netns del "${T_ID}se$tag"
	fi
	return 0
}

# softether_stop TAG: stop vpnserver (SIGTERM), keep namespace and state
softether_stop() {
	local pid i
	pid=$(_se_pid_alive "$(_se_dir "$1")/vpnserver.pid") || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		[ -d "/proc/$pid" ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

softether_start() {
	_softether_start "$1" 30
}

softether_restart() {
	softether_stop "$1"
	[ -n "${2:-}" ] && sleep "$2"
	_softether_start "$1" 30
}

softether_kill() {
	local pid
	pid=$(_se_pid_alive "$(_se_dir "$1")/vpnserver.pid") || return 1
	kill -KILL "$pid"
}

softether_vpncmd() {
	local tag=$1 dir pid pw
	shift
	dir=$(_se_dir "$tag")
	pid=$(_se_pid_alive "$dir/vpnserver.pid") || { echo "softether $tag not running" >&2; return 1; }
	pw=$(sed -n 's/^SE_ADMIN_PASSWORD=//p' "$dir/peer.env")
	local port
	port=$(sed -n 's/^SE_PORT=//p' "$dir/peer.env")
	nsenter -t "$pid" -n -m "$SE_VPNCMD" "127.0.0.1:$port" /SERVER "/PASSWORD:$pw" "$@" </dev/null
}

softether_sessions() {
	local tag=$1 hub
	hub=$(sed -n 's/^SE_HUB=//p' "$(_se_dir "$tag")/peer.env")
	# SecureNAT has a session of its own; count the SSTP ones only
	# (Debian's 5.01 names them "SID-SSTPUSER-[SSTP]-2").
	softether_vpncmd "$tag" "/HUB:$hub" /CMD SessionList 2>/dev/null |
	    grep -c '^Session Name *|SID-.*\[SSTP\]' || true
}

softether_check_tls() {
	local tag=$1 name=${2:-}
	(
		_se_load "$tag"
		local check
		name=${name:-$SE_HOSTNAME}
		case $name in
		*[!0-9.]*)	check=(-servername "$name" -verify_hostname "$name") ;;
		*)		check=(-verify_ip "$name") ;;
		esac
		ip netns exec "$SE_CLIENT_NS" timeout 10 openssl s_client \
		    -connect "$SE_HOST:$SE_PORT" "${check[@]}" -CAfile "$SE_CA" \
		    -verify_return_error </dev/null >/dev/null 2>&1
	)
}

softether_check_sstp() {
	local tag=$1 cns=${2:-} proxy=${3:-} cred=${4:-}
	(
		_se_load "$tag"
		local out px=()
		cns=${cns:-$SE_CLIENT_NS}
		[ -n "$proxy" ] && px=(-proxy "$proxy")
		[ -n "$cred" ] && px+=(-proxy_user "${cred%%:*}" -proxy_pass "pass:${cred#*:}")
		out=$( {
			printf 'SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n'
			printf 'Host: %s\r\nContent-Length: 18446744073709551615\r\n' "$SE_HOSTNAME"
			printf 'SSTPCORRELATIONID: {8E1C2A5B-47D6-4C2E-9A0F-3B5D6E7F8091}\r\n\r\n'
			sleep 2
		} | ip netns exec "$cns" timeout 10 openssl s_client -quiet -no_ign_eof \
		    -connect "$SE_HOST:$SE_PORT" "${px[@]}" -servername "$SE_HOSTNAME" -CAfile "$SE_CA" \
		    -verify_return_error 2>/dev/null | head -c 200)
		printf '%s\n' "$out" | head -n 1 >"$SE_DIR/check-sstp.out"
		case $out in
		"HTTP/1.1 200"*) return 0 ;;
		*) return 1 ;;
		esac
	)
}
