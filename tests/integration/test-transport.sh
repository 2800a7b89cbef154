#!/bin/bash
# test-transport.sh - the real transport (tests/tools/sstp-dial) against SoftEther
# with certificate checks on, up to the SSTP Connect Ack and the first PPP frames:
# by IP with the CA file, by name (hosts file, and a real name server) with
# SNI, TLS 1.2 and 1.3, pinning,
# through tinyproxy with and without Basic auth; and the
# clear errors: wrong CA, wrong name, pin mismatch, closed port, unknown name,
# no answer, refusing proxy, 407.
# timeout: 240
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/proxy.sh"
t_need_root
t_need_build tests/tools/sstp-dial tests/tools/dns-answer
softether_need
proxy_need tinyproxy

DIAL=$BUILD/tests/tools/sstp-dial
# Layout: SoftEther's veth goes to $sns (the "direct" client), and $cns
# reaches $sns only through the proxies running in $sns.
sns="${T_ID}trs" cns="${T_ID}trc"
t_netns_new "$sns"
t_netns_new "$cns"
t_veth "$cns" 10.98.7.1/29 "$sns" 10.98.7.2/29
softether_up a "$sns"
t_log "$SE_LOG" "softether"

# Name resolution inside the namespaces: ip netns exec binds these over
# /etc/hosts and /etc/resolv.conf (a nameserver nobody answers on).
for ns in "$sns" "$cns"; do
	mkdir -p "/etc/netns/$ns"
	t_cleanup rm -rf "/etc/netns/$ns"
	printf '127.0.0.1 localhost\n%s %s\n%s wrong-name.test\n' \
	    "$SE_HOST" "$SE_HOSTNAME" "$SE_HOST" >"/etc/netns/$ns/hosts"
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
done

# A name server in $sns (the client's $cns has none answering).
t_bg "$sns" "$T_DIR/dns.log" "$BUILD/tests/tools/dns-answer" 127.0.0.1 53 \
    "vpn-dns.test=$SE_HOST" "vpn-dns.test=fd00:98:7::99"
t_wait_for 10 sh -c "ip netns exec $sns ss -Hlun 'sport = :53' | grep -q ." ||
    t_fail "dns-answer did not start"

want_sha256=$(openssl x509 -in "$SE_DIR/pki/server.pem" -outform DER | sha256sum | cut -d' ' -f1)
want_sha1=$(openssl x509 -in "$SE_DIR/pki/server.pem" -outform DER | sha1sum | cut -d' ' -f1)

# dial NS ARG...: run sstp-dial, output (stdout and stderr) in $out, status in $rc.
dial() {
	local ns=$1
	shift
	out=$(t_ns "$ns" timeout 60 "$DIAL" --timeout 10000 --http-timeout 10000 "$@" 2>&1)
	rc=$?
	t_info "sstp-dial $*: rc=$rc: $out"
}
# ok NS ARG...: up to HTTP 200; call NS ARG...: on to the SSTP Connect Ack,
# an LCP exchange (the first PPP frames) and an orderly disconnect.
ok() {
	local ns=$1
	shift
	dial "$ns" --http-only "$@"
	[ "$rc" = 0 ] || t_fail "sstp-dial $* failed ($rc): $out"
	t_assert_match "$out" "http=200" "$*"
}
call() {
	dial "$@" --frames 2
	[ "$rc" = 0 ] || t_fail "sstp-dial $* failed ($rc): $out"
	t_assert_match "$out" "http=200" "$*"
	t_assert_match "$out" "sstp=acked" "Call Connect Ack for $*"
	# SoftEther sends its LCP Configure-Request (and acks ours, in any order)
	t_assert_match "$out" "ppp-frame=ff03c02101" "LCP Configure-Request for $*"
	t_assert_match "$out" "sstp=closed reason=\"disconnected\"" "disconnect for $*"
}
ko() { # NS REGEX ARG...
	local ns=$1 re=$2
	shift 2
	dial "$ns" "$@"
	[ "$rc" = 1 ] || t_fail "sstp-dial $* gave $rc, expected 1: $out"
	t_assert_match "$out" "$re" "error for $*"
}

# Direct, by IP, the certificate's IP SAN checked against the CA file.
call "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA"
t_assert_match "$out" "peer=$SE_HOST:$SE_PORT" "peer address"
t_assert_match "$out" "encoding=TLSv1\.[23] " "encoding"
t_assert_match "$out" "cert-sha256=$want_sha256" "leaf SHA-256"
t_assert_match "$out" "cert-sha1=$want_sha1" "leaf SHA-1"

# By DNS name (the namespace's hosts file), with SNI; "[v4]" and host:port forms.
call "$sns" --host "$SE_HOSTNAME" --port "$SE_PORT" --ca "$SE_CA" --sni "$SE_HOSTNAME"
t_assert_match "$out" "peer=$SE_HOST:$SE_PORT" "peer address by name"

# By a name only the name server knows: evdns asks A and AAAA, the IPv6
# address has no route and the IPv4 one works.
call "$sns" --host vpn-dns.test --port "$SE_PORT" --ca "$SE_CA" --sni "$SE_HOSTNAME" \
    --verify-name "$SE_HOSTNAME"
t_assert_match "$out" "peer=$SE_HOST:$SE_PORT" "peer address by DNS"
ko "$sns" "cannot resolve nx\.test: no such name" --host nx.test --ca "$SE_CA"

# TLS versions and the priority mapping.
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --tls-version 1.2
t_assert_match "$out" "encoding=TLSv1\.2 " "only-1.2"
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --tls-version 1.3
t_assert_match "$out" "encoding=TLSv1\.3 " "only-1.3"
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --tls-version 1.2 \
    --ciphers aes256-gcm-sha384 --pfs required
t_assert_match "$out" "encoding=TLSv1\.2 AES-256-GCM" "aes256-gcm-sha384 on 1.2"
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --tls-version 1.2 \
    --ciphers aes256-sha
t_assert_match "$out" "encoding=TLSv1\.2 AES-256-CBC" "aes256-sha on 1.2"
ko "$sns" "unknown cipher \"des\"" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --ciphers des

# Pinning: the right pin (any case, colons) passes, a wrong one names both.
pin=$(echo "$want_sha256" | tr a-f A-F | sed 's/../&:/g;s/:$//')
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --pin "$pin"
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --no-verify --pin "$want_sha256"
bad_pin=$(printf '%064d' 0)
ko "$sns" "TLS: certificate pin mismatch: the server's SHA-256 is $want_sha256, expected $bad_pin" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --pin "$bad_pin"

# A wrong CA, the system store (which does not know the test CA), a wrong name.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_DIR/other.key" -out "$T_DIR/other.pem" \
    -days 30 -subj "/CN=another CA" 2>/dev/null || t_fail "cannot make another CA"
ko "$sns" "TLS: certificate verify failed: unknown issuer" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$T_DIR/other.pem"
ko "$sns" "TLS: certificate verify failed: unknown issuer" \
    --host "$SE_HOST" --port "$SE_PORT"
ko "$sns" "TLS: certificate verify failed: name mismatch \(certificate is for $SE_HOSTNAME, $SE_HOST, not wrong-name.test\)" \
    --host wrong-name.test --port "$SE_PORT" --ca "$SE_CA"
ko "$sns" "name mismatch" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --verify-name other.test
# ... and each check can be turned off on its own.
ok "$sns" --host wrong-name.test --port "$SE_PORT" --ca "$SE_CA" --no-verify-name
ok "$sns" --host "$SE_HOST" --port "$SE_PORT" --ca "$T_DIR/other.pem" --no-verify

# Nothing listening, no such name, no answer at all.
ko "$sns" "cannot connect to $SE_HOST:4444: Connection refused" --host "$SE_HOST" --port 4444 --ca "$SE_CA"
ko "$cns" "cannot resolve no-such-name.test: no answer from the name servers within 2 s" \
    --host no-such-name.test --ca "$SE_CA" --timeout 2000
# An address on the link that nobody has: no answer at all.
start=$(date +%s)
dial "$cns" --host 10.98.7.5 --port 443 --ca "$SE_CA" --timeout 1500
[ "$rc" = 1 ] || t_fail "connect to nobody did not fail: $out"
t_assert_match "$out" "cannot connect to 10\.98\.7\.5: no answer within 1\.5 s" "black hole"
[ $(($(date +%s) - start)) -lt 10 ] || t_fail "the connect timeout was not kept"

# Through tinyproxy: $cns has no route to the server, only to the proxies.
proxy_up open "$sns" 10.98.7.2:3128 open
proxy_up auth "$sns" 10.98.7.2:3129 auth user=alice password=Al1ce-pw
proxy_up deny "$sns" 10.98.7.2:3130 noconnect
dial "$cns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --timeout 3000
[ "$rc" = 1 ] || t_fail "the client namespace reaches the server without a proxy"
call "$cns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3128
t_assert_match "$out" "peer=$SE_HOST:$SE_PORT" "peer through the proxy"
ok "$cns" --host "$SE_HOSTNAME" --port "$SE_PORT" --ca "$SE_CA" --sni "$SE_HOSTNAME" --proxy 10.98.7.2:3128
call "$cns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3129 \
    --proxy-user alice --proxy-password Al1ce-pw
ko "$cns" "proxy refused CONNECT: HTTP/1\.[01] 407 [^()]*\(credentials needed: no user given\)" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3129
# tinyproxy 1.11 answers a wrong password with 401
ko "$cns" "proxy refused CONNECT: HTTP/1\.[01] 40[17] .*\(credentials needed or wrong\)" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3129 \
    --proxy-user alice --proxy-password wrong
ko "$cns" "proxy refused CONNECT: HTTP/1\.[01] 403 " \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3130
ko "$cns" "cannot connect to proxy 10\.98\.7\.2:3999: Connection refused" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3999
# squid, when installed: Basic auth, and its 407 for a wrong password.
if command -v squid >/dev/null && [ -x /usr/lib/squid/basic_ncsa_auth ]; then
	proxy_up squid "$sns" 10.98.7.2:3131 auth kind=squid user=bob password=B0b-pw
	call "$cns" --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" \
	    --proxy 10.98.7.2:3131 --proxy-user bob --proxy-password B0b-pw
	ko "$cns" "proxy refused CONNECT: HTTP/1\.1 407 Proxy Authentication Required \(credentials needed or wrong\)" \
	    --host "$SE_HOST" --port "$SE_PORT" --ca "$SE_CA" --proxy 10.98.7.2:3131 \
	    --proxy-user bob --proxy-password wrong
else
	t_info "squid not installed: only tinyproxy tested"
fi

# The proxy reaches the server, but the certificate is still checked end to end.
ko "$cns" "TLS: certificate verify failed: unknown issuer" \
    --host "$SE_HOST" --port "$SE_PORT" --ca "$T_DIR/other.pem" --proxy 10.98.7.2:3128
t_pass
