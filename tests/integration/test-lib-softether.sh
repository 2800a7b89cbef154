#!/bin/bash
# test-lib-softether.sh - the SoftEther test peer itself works: two peers at
# once in one client namespace, certificates verify (and a wrong name or CA
# does not), an SSTP_DUPLEX_POST gets HTTP/1.1 200 from each, and a
# killed or restarted peer comes back with its users.
# timeout: 180
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
softether_need

cns="${T_ID}c"
t_netns_new "$cns"
softether_up a "$cns"
softether_up b "$cns" user=bob password=Bob-Pass-2 hostname=vpn-b.test users="carol:Carol-3"

eval "$(softether_env a)"
t_assert_eq "$SE_HOSTNAME" sstp-peer.test "peer a cert name"
t_assert_eq "$SE_VHOST" 192.168.30.1 "SecureNAT virtual host"
a_ca=$SE_CA
a_host=$SE_HOST
softether_check_tls a || t_fail "peer a: certificate does not verify"
softether_check_tls a "$SE_HOST" || t_fail "peer a: certificate does not verify by IP SAN"
softether_check_tls a wrong-name.test && t_fail "peer a: wrong name verified"
softether_check_sstp a || t_fail "peer a: no HTTP/1.1 200 to SSTP_DUPLEX_POST ($(cat "$SE_DIR/check-sstp.out"))"

eval "$(softether_env b)"
t_assert_eq "$SE_USER" bob "peer b user"
[ "$SE_HOST" != "$a_host" ] || t_fail "peers share an address"
softether_check_tls b || t_fail "peer b: certificate does not verify"
softether_check_sstp b || t_fail "peer b: no HTTP/1.1 200 to SSTP_DUPLEX_POST"
# peer b's certificate must not verify against peer a's CA
ip netns exec "$cns" timeout 10 openssl s_client -connect "$SE_CONNECT" \
    -servername "$SE_HOSTNAME" -CAfile "$a_ca" -verify_return_error </dev/null >/dev/null 2>&1 &&
    t_fail "peer b verified with peer a's CA"
softether_vpncmd b "/HUB:$SE_HUB" /CMD UserGet carol >/dev/null || t_fail "extra user carol missing"
t_assert_eq "$(softether_sessions b)" 0 "sessions on idle peer b"

# a crash and a restart keep the hub, users and certificate
softether_kill b
softether_check_tls b && t_fail "peer b answers after kill"
softether_start b
softether_check_sstp b || t_fail "peer b: no HTTP 200 after kill and start"
softether_vpncmd b "/HUB:$SE_HUB" /CMD UserGet carol >/dev/null || t_fail "user carol lost in the restart"
softether_restart b
softether_check_sstp b || t_fail "peer b: no HTTP 200 after restart"

softether_down a
softether_check_tls a && t_fail "peer a still answers after down"
softether_check_sstp b || t_fail "peer b: down of peer a broke peer b"
t_pass
