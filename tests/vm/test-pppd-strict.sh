#!/bin/bash
# test-pppd-strict.sh - the pppd engine against the strict SSTP test server:
# tests/integration/test-strict-binding.sh with ppp-engine=pppd, inside a VM
# running Debian's kernel (this host's kernel may have no PPP).  It proves
# that the HLAK the pppd plugin hands over (MS-CHAPv2 MPPE keys) gives a
# crypto binding that a server checking it (accel-ppp, RRAS, Ideco UTM)
# accepts, with SHA-256 and with SHA-1, and that Call Connected goes out
# before pppd's IPCP.
# timeout: 900
. "$(dirname "$0")/../lib/common.sh"

. "$T_TOP/tests/vm/vm.sh"
vm_need_pppd sstpcd sstpctl tests/tools/sstp-testserver
# One boot: the guest runs the integration test.
TS_ENGINE=pppd T_LOG_LINES=${T_LOG_LINES:-2000} \
    vm_run 780 "TS_ENGINE T_KEEP T_LOG_LINES" \
    "test -c /dev/ppp || { echo 'SKIP: no /dev/ppp in the VM'; exit 77; }
	bash tests/integration/test-strict-binding.sh"
