# vm.sh - the host side of the VM tests (source after common.sh).
#
#   vm_need_pppd PROG...   skip unless root, $BUILD/PROG..., the pppd plugin,
#                          pppd and the prepared VM (tests/vm/setup.sh) are
#                          there; then cd to the top of the tree
#   vm_run SECONDS ENV COMMAND
#                          run COMMAND in one VM boot, output in
#                          $T_DIR/vm.out; host variables named in ENV go
#                          in, with SSTPCD_BUILD; ends the test: pass on 0,
#                          skip on 77 (its SKIP line) or 125 (the VM does
#                          not start), else fail

VM_HERE=$T_TOP/tests/vm

vm_need_pppd() {
	t_need_root
	t_need_build "$@"
	[ -e "$BUILD/ppp/plugin/sstpcd-pppd-plugin.so" ] ||
	    t_skip "the pppd plugin is not built (configure found no pppd/pppd.h: install ppp-dev)"
	command -v pppd >/dev/null || t_skip "pppd not installed (Debian package ppp)"
	t_log "$T_DIR/setup.log" "VM setup"
	"$VM_HERE/setup.sh" >"$T_DIR/setup.log" 2>&1 ||
	    t_skip "the test VM cannot be prepared: $(tail -n 1 "$T_DIR/setup.log")"
	cd "$T_TOP" || t_fail "no $T_TOP"
}

vm_run() {
	local rc
	SSTP_VM_ENV="SSTPCD_BUILD $2" SSTPCD_BUILD=$BUILD SSTP_VM_SHARE=none \
	    SSTP_VM_TIMEOUT=$1 "$VM_HERE/run-in-vm.sh" "$3" >"$T_DIR/vm.out" 2>&1
	rc=$?
	t_log "$T_DIR/vm.out" "the VM's output"
	case $rc in
	0) t_pass ;;
	77) t_skip "$(sed -n 's/^SKIP: //p' "$T_DIR/vm.out" | tail -n 1)" ;;
	124) t_fail "the VM timed out" ;;
	125) t_skip "the test VM does not start: $(grep -v '^ *$' "$T_DIR/vm.out" | tail -n 3 | tr '\n' ' ')" ;;
	*) t_fail "the test failed inside the VM (exit $rc)" ;;
	esac
}
