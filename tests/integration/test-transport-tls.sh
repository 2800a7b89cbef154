#!/bin/bash
# test-transport-tls.sh - TLS cases SoftEther cannot show, against gnutls-serv:
# an expired, a not-yet-valid and a revoked (CRL in the CA file) certificate,
# IPv6 literals, TLS 1.3-only against only-1.2
# (and the reverse), a required client certificate, a server that answers
# SSTP_DUPLEX_POST with something that is not HTTP, a server that closes.
# timeout: 120
. "$(dirname "$0")/../lib/common.sh"
t_need_root
t_need_netns
t_need_build tests/tools/sstp-dial
t_need_cmd gnutls-serv certtool ss

DIAL=$BUILD/tests/tools/sstp-dial
sns="${T_ID}tls" cns="${T_ID}tlc"
t_netns_new "$sns"
t_netns_new "$cns"
t_veth "$cns" 10.98.8.1/30 "$sns" 10.98.8.2/30
srv=10.98.8.2 srv6=fd00:98:8::2
ip -n "$cns" addr add fd00:98:8::1/64 dev "$T_VETH_A" nodad || t_fail "no IPv6 on $T_VETH_A"
ip -n "$sns" addr add "$srv6/64" dev "$T_VETH_B" nodad || t_fail "no IPv6 on $T_VETH_B"

# A CA, and server certificates for $srv: valid, expired, not yet valid; a client one.
pki=$T_DIR/pki
mkdir -p "$pki"
cert() { # NAME ACTIVATION EXPIRATION EXTRA-TEMPLATE-LINES
	local n=$1
	certtool --generate-privkey --key-type=ecdsa --outfile "$pki/$n.key" 2>/dev/null
	printf 'cn = "%s"\nip_address = "%s"\nip_address = "%s"\nactivation_date = "%s"\nexpiration_date = "%s"\n%b' \
	    "$n" "$srv" "$srv6" "$2" "$3" "$4" >"$pki/$n.tmpl"
	certtool --generate-certificate --load-privkey "$pki/$n.key" \
	    --load-ca-certificate "$pki/ca.pem" --load-ca-privkey "$pki/ca.key" \
	    --template "$pki/$n.tmpl" --outfile "$pki/$n.pem" 2>/dev/null ||
	    t_fail "certtool: cannot make $n"
}
certtool --generate-privkey --key-type=ecdsa --outfile "$pki/ca.key" 2>/dev/null
printf 'cn = "transport test CA"\nca\ncert_signing_key\nexpiration_days = 30\n' >"$pki/ca.tmpl"
certtool --generate-self-signed --load-privkey "$pki/ca.key" --template "$pki/ca.tmpl" \
    --outfile "$pki/ca.pem" 2>/dev/null || t_fail "certtool: cannot make the CA"
now=$(date +%s)
day() { date -u -d "@$((now + $1 * 86400))" '+%Y-%m-%d %H:%M:%S UTC'; }
cert good "$(day -1)" "$(day 30)" 'tls_www_server\nsigning_key\n'
cert expired "$(day -30)" "$(day -1)" 'tls_www_server\nsigning_key\n'
cert future "$(day 1)" "$(day 30)" 'tls_www_server\nsigning_key\n'
cert client "$(day -1)" "$(day 30)" 'tls_www_client\nsigning_key\n'
cert revoked "$(day -1)" "$(day 30)" 'tls_www_server\nsigning_key\nserial = 77\n'
# A CA file that carries a CRL listing "revoked".
printf 'crl_next_update = 30\ncrl_number = 1\n' >"$pki/crl.tmpl"
certtool --generate-crl --load-ca-privkey "$pki/ca.key" --load-ca-certificate "$pki/ca.pem" \
    --load-certificate "$pki/revoked.pem" --template "$pki/crl.tmpl" \
    --outfile "$pki/crl.pem" 2>/dev/null || t_fail "certtool: cannot make the CRL"
cat "$pki/ca.pem" "$pki/crl.pem" >"$pki/ca-crl.pem"

# serve PORT CERT PRIORITY [ARG...]: gnutls-serv in $sns until the test ends.
serve() {
	local port=$1 c=$2 prio=$3
	shift 3
	t_bg "$sns" "$T_DIR/serv-$port.log" gnutls-serv --port "$port" \
	    --x509certfile "$pki/$c.pem" --x509keyfile "$pki/$c.key" \
	    --priority "$prio" "$@"
	t_wait_for 10 sh -c "ip netns exec $sns ss -Hltn 'sport = :$port' | grep -q LISTEN" ||
	    t_fail "gnutls-serv on $port did not start"
}
dial() {
	out=$(t_ns "$cns" timeout 30 "$DIAL" --timeout 5000 --http-timeout 5000 --host "$srv" "$@" 2>&1)
	rc=$?
	t_info "sstp-dial $*: rc=$rc: $out"
}
# gnutls-serv --http answers anything but GET with an HTML page and no
# status line: reaching that answer means TLS and the checks passed.
ok() {
	dial "$@"
	[ "$rc" = 1 ] || t_fail "sstp-dial $* gave $rc: $out"
	t_assert_match "$out" "encoding=TLSv1\.[23] " "TLS up for $*"
	t_assert_match "$out" "not an HTTP answer: \"<!DOCTYPE HTML" "TLS up for $*"
}
ko() { # REGEX ARG...
	local re=$1
	shift
	dial "$@"
	[ "$rc" = 1 ] || t_fail "sstp-dial $* gave $rc, expected 1: $out"
	t_assert_match "$out" "$re" "error for $*"
}

any=NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2
serve 4431 good "$any" --http
serve 4432 expired "$any" --http
serve 4433 future "$any" --http
serve 4434 good NORMAL:-VERS-ALL:+VERS-TLS1.3 --http
serve 4435 good NORMAL:-VERS-ALL:+VERS-TLS1.2 --http
serve 4436 good "$any" --http --require-client-cert --verify-client-cert --x509cafile "$pki/ca.pem"
serve 4437 good "$any" --echo	# our request comes back
serve 4438 revoked "$any" --http
# A plain HTTP server where TLS was expected.
if command -v socat >/dev/null; then
	printf '#!/bin/sh\nprintf "HTTP/1.1 400 Bad Request\\r\\n\\r\\n"\nsleep 1\n' >"$T_DIR/plain.sh"
	chmod +x "$T_DIR/plain.sh"
	t_bg "$sns" "$T_DIR/plain.log" socat TCP-LISTEN:4439,reuseaddr,fork EXEC:"$T_DIR/plain.sh"
	t_wait_for 10 sh -c "ip netns exec $sns ss -Hltn 'sport = :4439' | grep -q LISTEN" ||
	    t_fail "socat on 4439 did not start"
fi

ok --port 4431 --ca "$pki/ca.pem"
t_assert_match "$out" "encoding=TLSv1\.3 " "default is TLS 1.3"
# IPv6, bare and in brackets, checked against the certificate's IPv6 entry.
dial --port 4431 --ca "$pki/ca.pem" --host "$srv6" --http-only
t_assert_match "$out" "not an HTTP answer" "IPv6 literal"
t_assert_match "$out" "encoding=TLSv1\.3 " "IPv6 literal"
dial --port 4431 --ca "$pki/ca.pem" --host "[$srv6]"
t_assert_match "$out" "server \[$srv6\]:4431: not an HTTP answer" "IPv6 in brackets"
ko "cannot connect to \[$srv6\]:4999: Connection refused" --port 4999 --host "$srv6"
ko "TLS: certificate verify failed: expired" --port 4432 --ca "$pki/ca.pem"
ko "TLS: certificate verify failed: not yet valid" --port 4433 --ca "$pki/ca.pem"
ok --port 4432 --ca "$pki/ca.pem" --no-verify
ko "TLS: certificate verify failed: revoked" --port 4438 --ca "$pki/ca-crl.pem"
ok --port 4438 --ca "$pki/ca.pem"
ok --port 4431 --ca "$pki/ca-crl.pem"

ok --port 4434 --ca "$pki/ca.pem" --tls-version 1.3
ko "TLS: handshake with $srv:4434 failed: " --port 4434 --ca "$pki/ca.pem" --tls-version 1.2
ok --port 4435 --ca "$pki/ca.pem" --tls-version 1.2
t_assert_match "$out" "encoding=TLSv1\.2 " "TLS 1.2 server"
ok --port 4435 --ca "$pki/ca.pem"
ko "TLS: handshake with $srv:4435 failed: " --port 4435 --ca "$pki/ca.pem" --tls-version 1.3
ok --port 4435 --ca "$pki/ca.pem" --tls-version 1.2 --ciphers chacha20-poly1305 --pfs required
t_assert_match "$out" "encoding=TLSv1\.2 CHACHA20-POLY1305" "chacha20 on 1.2"

ok --port 4436 --ca "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key"
# TLS 1.3 servers refuse the missing certificate after the handshake.
ko "TLS: (handshake with|send to|receive from) $srv:4436 failed: the server sent alert \"Certificate is required\"" \
    --port 4436 --ca "$pki/ca.pem"
ko "TLS: handshake with $srv:4436 failed: the server sent alert \"" \
    --port 4436 --ca "$pki/ca.pem" --tls-version 1.2
ko "TLS: cannot load client certificate $T_DIR/nonexistent" --port 4436 --ca "$pki/ca.pem" \
    --cert "$T_DIR/nonexistent"

if command -v socat >/dev/null; then
	ko "TLS: handshake with $srv:4439 failed: the server does not speak TLS \(it sent \"HTTP/1\.1 400 Bad Request\"\)" --port 4439 --ca "$pki/ca.pem"
fi
ko "server $srv:4437: not an HTTP answer: \"SSTP_DUPLEX_POST /sra_\{BA195980-CD49-458b-9E23-C84EE0ADCD75\}/ HTTP/1\.1\"" \
    --port 4437 --ca "$pki/ca.pem"
t_pass
