#!/bin/bash
# test-cert-config-error.sh - a ca-certificate, certificate or
# certificate-key file that is missing or no certificate puts the interface
# in status "error" with the file's problem as last-disconnect-reason and is
# not retried (no connection reaches the server); 'set' with a good file
# connects at once.
# timeout: 200
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/softether.sh"
. "$(dirname "$0")/../lib/daemon.sh"
softether_need
t_need_cmd socat
t_need_build sstpcd

d_with_softether -vv

out=$(d_ctl "/interface sstp-client add name=ce connect-to=$SE_HOST user=$SE_USER password=$SE_PASSWORD ca-certificate=$T_DIR/missing.pem ppp-engine=builtin ipv6=no disabled=no")
t_assert_nomatch "$out" '%error' "add accepted"
err() { [ "$(d_mon ce status)" = error ]; }
t_wait_for 10 err || t_fail "ce not in error: $(d_ctl '/interface sstp-client monitor ce once')"
t_assert_eq "$(d_mon ce last-disconnect-reason)" "ca-certificate $T_DIR/missing.pem: No such file or directory" "reason names the property and the file"
sleep 3
t_assert_eq "$(d_mon ce status)" error "still in error, not retried"
n=$(grep -c 'ce: connecting' "$D_LOG")
t_assert_eq "$n" 0 "no connection attempted"

# Present but not a certificate: the same, with GnuTLS's verdict.
echo "not a certificate" >"$T_DIR/junk.pem"
d_ctl "/interface sstp-client set ce ca-certificate=$T_DIR/junk.pem" >/dev/null
junk() { [[ $(d_mon ce last-disconnect-reason) == "ca-certificate $T_DIR/junk.pem: "* ]]; }
t_wait_for 10 junk || t_fail "junk CA reason: $(d_mon ce last-disconnect-reason)"
t_assert_eq "$(d_mon ce status)" error "junk CA: error"

# A client certificate whose key is missing.
d_ctl "/interface sstp-client set ce ca-certificate=$SE_CA certificate=$SE_CA certificate-key=$T_DIR/missing.key" >/dev/null
key() { [ "$(d_mon ce last-disconnect-reason)" = "certificate-key $T_DIR/missing.key: No such file or directory" ]; }
t_wait_for 10 key || t_fail "missing key reason: $(d_mon ce last-disconnect-reason)"
t_assert_eq "$(grep -c 'ce: connecting' "$D_LOG")" 0 "still no connection attempted"

# Repaired with 'set': connects.
d_ctl "/interface sstp-client set ce certificate=none certificate-key=none" >/dev/null
up() { [ "$(d_mon ce status)" = connected ]; }
t_wait_for 60 up || t_fail "ce not connected after set: $(d_ctl '/interface sstp-client monitor ce once')"
d_stop
t_pass
