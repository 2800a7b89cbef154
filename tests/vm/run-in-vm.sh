#!/bin/bash
# shellcheck disable=SC2054
# run-in-vm.sh 'COMMAND' - run COMMAND as root inside a throw-away QEMU guest
# booting Debian's kernel (PPP, TUN, veth as modules; see setup.sh).
#
#   The guest's / is the host's / (virtio-9p, read-only) under a tmpfs
#   overlay: every host binary is there, writes are lost at power-off.  The
#   current directory (or SSTP_VM_SHARE, ':'-separated) is shared read-write
#   at the same path.  No network device: traffic stays inside the guest.
#   COMMAND runs with bash in the current directory; its output is streamed
#   here and its exit status is ours.  124: timeout; 125: the VM failed (the
#   guest console is printed).  SSTP_IN_VM=1 is set inside.
#
# Environment:
#   SSTP_VM_TIMEOUT  seconds (default 600)     SSTP_VM_MEM   (default 1G)
#   SSTP_VM_CPUS     (default: host, max 4)    SSTP_VM_CACHE (setup.sh's)
#   SSTP_VM_ACCEL    kvm | tcg | auto: KVM only when the CPU shows vmx/svm
#                    (a paravirtual /dev/kvm without them boots a stock
#                    kernel far slower than emulation does)
#   SSTP_VM_MODULES  loaded first (default ppp_generic ppp_async
#                    ppp_synctty tun veth)
#   SSTP_VM_ENV      names of host variables to pass in (CI always is)
#   SSTP_VM_VERBOSE=1  the guest console on stderr
set -uo pipefail

CACHE=${SSTP_VM_CACHE:-/var/cache/sstpcd-vm}
err() { printf 'run-in-vm: %s\n' "$*" >&2; }

if [ $# -lt 1 ] || [ "$1" = --help ]; then
	sed -n '3,25s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
CMD=$*

[ -s "$CACHE/current" ] || { err "not set up: run tests/vm/setup.sh"; exit 125; }
KVER=$(cat "$CACHE/current")
KDIR=$CACHE/$KVER
KERNEL=$KDIR/vmlinux
[ -s "$KERNEL" ] || KERNEL=$KDIR/root/boot/vmlinuz-$KVER
INITRD=$KDIR/initramfs.cpio.gz
MODTREE=$KDIR/root/lib/modules/$KVER
for f in "$KERNEL" "$INITRD" "$MODTREE/modules.dep"; do
	[ -e "$f" ] || { err "missing $f: run tests/vm/setup.sh"; exit 125; }
done
command -v qemu-system-x86_64 >/dev/null || { err "no qemu-system-x86_64"; exit 125; }

ncpu=$(nproc 2>/dev/null || echo 1)
CPUS=${SSTP_VM_CPUS:-$(( ncpu > 4 ? 4 : ncpu ))}
ACCEL=${SSTP_VM_ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
	if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=kvm; else ACCEL=tcg; fi
fi
case $ACCEL in
kvm) ACCEL_ARGS=(-accel kvm -cpu host) ;;
tcg) ACCEL_ARGS=(-accel tcg,thread=multi -cpu max) ;;
*) err "SSTP_VM_ACCEL: kvm, tcg or auto"; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sstp-vm.XXXXXX") || exit 125
qpid='' readers=''
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	for p in $readers; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'err "interrupted"; exit 130' INT TERM HUP

mkdir "$tmp/ctl"
{
	for v in CI ${SSTP_VM_ENV:-}; do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'cd -- %q || exit 125\n%s\n' "$PWD" "$CMD"
} > "$tmp/ctl/run.sh"
: > "$tmp/ctl/shares"
SHARE_ARGS=()
n=0
IFS=: read -r -a dirs <<< "${SSTP_VM_SHARE:-$PWD}"
for d in "${dirs[@]}"; do
	[ -n "$d" ] && [ "$d" != none ] || continue
	p=$(cd "$d" 2>/dev/null && pwd -P) || { err "cannot share $d"; exit 2; }
	[ "$p" = / ] && continue	# never the host root read-write
	echo "$p" >> "$tmp/ctl/shares"
	SHARE_ARGS+=(-fsdev "local,id=share$n,path=$p,security_model=none,multidevs=remap"
	    -device "virtio-9p-pci,fsdev=share$n,mount_tag=sstpshare$n")
	n=$((n + 1))
done
echo "$MODTREE" > "$tmp/ctl/modtree"
echo "${SSTP_VM_MODULES-ppp_generic ppp_async ppp_synctty tun veth}" > "$tmp/ctl/modules"

mkfifo "$tmp/out" "$tmp/err"
cat "$tmp/out" & readers="$readers $!"
cat "$tmp/err" >&2 & readers="$readers $!"
: > "$tmp/console"
if [ "${SSTP_VM_VERBOSE:-0}" = 1 ]; then
	tail -n +1 -f "$tmp/console" >&2 & readers="$readers $!"
fi

# pci=noacpi and cryptomgr.notests save about a second of emulated boot.
APPEND="console=ttyS0 panic=-1 quiet loglevel=4 mitigations=off pci=noacpi cryptomgr.notests rdinit=/init"
P9=security_model=none,multidevs=remap
timeout -k 10 "${SSTP_VM_TIMEOUT:-600}" qemu-system-x86_64 \
	-nodefaults -no-user-config -display none -no-reboot \
	"${ACCEL_ARGS[@]}" -m "${SSTP_VM_MEM:-1G}" -smp "$CPUS" \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
	-serial "file:$tmp/console" -nic none \
	-device virtio-rng-pci \
	-device virtio-serial-pci,id=vser \
	-chardev "file,id=out,path=$tmp/out" -device virtserialport,bus=vser.0,chardev=out,name=out \
	-chardev "file,id=err,path=$tmp/err" -device virtserialport,bus=vser.0,chardev=err,name=err \
	-fsdev "local,id=root,path=/,readonly=on,$P9" -device virtio-9p-pci,fsdev=root,mount_tag=sstproot \
	-fsdev "local,id=ctl,path=$tmp/ctl,$P9" -device virtio-9p-pci,fsdev=ctl,mount_tag=sstpctl \
	"${SHARE_ARGS[@]}" > "$tmp/qemu.log" 2>&1 < /dev/null &
qpid=$!
wait "$qpid"
qrc=$?
qpid=

# When QEMU died before opening the FIFOs the readers still block in open();
# opening them read-write here lets them see end of file.
exec 7<>"$tmp/out" 8<>"$tmp/err"
exec 7>&- 8>&-
sleep 0.2
for p in $readers; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
readers=

[ -s "$tmp/ctl/rc" ] && exit "$(cat "$tmp/ctl/rc")"
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	err "timed out (stage $(cat "$tmp/ctl/stage" 2>/dev/null || echo boot))"
	rc=124
else
	err "the VM ended without a result (qemu $qrc, stage $(cat "$tmp/ctl/stage" 2>/dev/null || echo boot))"
	rc=125
fi
[ -s "$tmp/ctl/error" ] && err "guest: $(cat "$tmp/ctl/error")"
[ -s "$tmp/qemu.log" ] && { err "qemu said:"; tail -n 20 "$tmp/qemu.log" >&2; }
err "guest console (tail):"; tail -n 40 "$tmp/console" | tr -d '\r' >&2
exit "$rc"
