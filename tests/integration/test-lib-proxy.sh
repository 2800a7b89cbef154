#!/bin/bash
# test-lib-proxy.sh - the test proxies behave as the transport tests expect:
# open (CONNECT 200), auth (407 without or with wrong credentials, 200 with
# them), noconnect (403), for tinyproxy and squid; an SSTP_DUPLEX_POST
# reaches SoftEther through them.
# timeout: 180
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/proxy.sh"
softether_need
proxy_need tinyproxy

cns="${T_ID}c" pns="${T_ID}p"
t_netns_new "$cns"
t_netns_new "$pns"
t_veth "$cns" 10.98.0.1/30 "$pns" 10.98.0.2/30
softether_up a "$pns"
target=$SE_HOST:$SE_PORT

kinds=tinyproxy
command -v squid >/dev/null && kinds="$kinds squid"
port=3128
for kind in $kinds; do
	proxy_up "${kind}o" "$pns" 10.98.0.2:$port open kind=$kind
	proxy_up "${kind}a" "$pns" 10.98.0.2:$((port + 1)) auth kind=$kind user=alice password=Al1ce-pw
	proxy_up "${kind}n" "$pns" 10.98.0.2:$((port + 2)) noconnect kind=$kind
	port=$((port + 3))

	t_assert_eq "$(proxy_connect_code "${kind}o" "$cns" "$target")" 200 "$kind open CONNECT"
	t_assert_eq "$(proxy_connect_code "${kind}a" "$cns" "$target")" 407 "$kind auth CONNECT without credentials"
	# tinyproxy 1.11 answers a wrong password with 401, squid with 407
	t_assert_match "$(proxy_connect_code "${kind}a" "$cns" "$target" alice:wrong)" '^40[17]$' "$kind auth CONNECT with a wrong password"
	t_assert_eq "$(proxy_connect_code "${kind}a" "$cns" "$target" alice:Al1ce-pw)" 200 "$kind auth CONNECT with credentials"
	t_assert_eq "$(proxy_connect_code "${kind}n" "$cns" "$target")" 403 "$kind noconnect CONNECT"

	eval "$(proxy_env "${kind}o")"
	softether_check_sstp a "$cns" "$PX_HOSTPORT" ||
	    t_fail "$kind open: no HTTP 200 to SSTP_DUPLEX_POST through the proxy"
	eval "$(proxy_env "${kind}a")"
	softether_check_sstp a "$cns" "$PX_HOSTPORT" "$PX_USER:$PX_PASSWORD" ||
	    t_fail "$kind auth: no HTTP 200 to SSTP_DUPLEX_POST through the proxy"
	# the client namespace has no direct way to the server
	softether_check_sstp a "$cns" && t_fail "client reaches the server without the proxy"
done
t_pass "proxies: $kinds"
