#!/bin/bash
# setup.sh - prepare the throw-away test VM that run-in-vm.sh boots (idempotent).
#
# The host kernel may lack PPP; Debian's own kernel has it as modules.  This
# fetches Debian's current linux-image-*-amd64 package, extracts it (never
# installs it), indexes its modules, unpacks the raw vmlinux for a fast
# direct boot, and builds a tiny initramfs (busybox + the modules needed to
# mount the host root over virtio-9p under a tmpfs overlay).
#
# Environment:
#   SSTP_VM_CACHE   cache directory (default /var/cache/sstpcd-vm)
#   SSTP_VM_KPKG    kernel package (default: what linux-image-amd64 depends on)
#   SSTP_VM_INSTALL=0  do not apt-get install missing tools; fail instead
# Exit: 0 ready, 1 failed (reason on stderr).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SSTP_VM_CACHE:-/var/cache/sstpcd-vm}
APT=(apt-get -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
export DEBIAN_FRONTEND=noninteractive

say() { printf 'vm-setup: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
[ "$(uname -m)" = x86_64 ] || die "needs an x86_64 host"

# Tools: QEMU, a static busybox for the initramfs, kmod, pppd, xz.
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
	missing+=(busybox-static)
command -v depmod >/dev/null || missing+=(kmod)
command -v pppd >/dev/null || missing+=(ppp)
command -v xz >/dev/null || missing+=(xz-utils)
updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	"${APT[@]}" update >&2 || say "apt-get update failed"
	updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
	[ "${SSTP_VM_INSTALL:-1}" = 0 ] && die "missing packages: ${missing[*]}"
	say "installing ${missing[*]}"
	"${APT[@]}" install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt_update; "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >&2; }
fi

# Which kernel: the ABI package linux-image-amd64 points at today.
kpkg_now() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }'
}
mkdir -p "$CACHE"
KPKG=${SSTP_VM_KPKG:-$(kpkg_now || true)}
[ -n "$KPKG" ] || { apt_update; KPKG=$(kpkg_now || true); }
if [ -z "$KPKG" ] && [ -s "$CACHE/current" ]; then
	KPKG=linux-image-$(cat "$CACHE/current")
	say "apt cannot name the kernel; reusing the cached $KPKG"
fi
[ -n "$KPKG" ] || die "cannot tell which linux-image package to use"
KVER=${KPKG#linux-image-}
KDIR=$CACHE/$KVER

fetch() {
	rm -rf "$KDIR"; mkdir -p "$KDIR/dl"
	(cd "$KDIR/dl" && "${APT[@]}" download "$KPKG" >&2)
}
if [ ! -e "$KDIR/.extracted" ]; then
	if ! fetch; then
		# The lists may be stale (a security update replaced the ABI).
		apt_update
		[ -z "${SSTP_VM_KPKG:-}" ] && KPKG=$(kpkg_now || true)
		KVER=${KPKG#linux-image-}; KDIR=$CACHE/$KVER
		if [ ! -e "$KDIR/.extracted" ] && ! fetch; then
			rm -rf "$KDIR"
			old=$(cat "$CACHE/current" 2>/dev/null || true)
			[ -n "$old" ] && [ -e "$CACHE/$old/.extracted" ] ||
				die "cannot download $KPKG"
			say "cannot download $KPKG; keeping the cached $old"
			KVER=$old; KDIR=$CACHE/$old
		fi
	fi
fi
if [ ! -e "$KDIR/.extracted" ]; then
	deb=$(find "$KDIR/dl" -name '*.deb' | head -n 1)
	say "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$KDIR/root"
	rm -rf "$KDIR/dl"
	touch "$KDIR/.extracted"
fi
MODDIR=$KDIR/root/lib/modules/$KVER
[ -d "$MODDIR" ] || die "the package has no $MODDIR"
[ -e "$MODDIR/modules.dep.bin" ] || depmod -b "$KDIR/root" "$KVER"

# The bzImage carries an xz-packed kernel; unpacking it once here saves
# several seconds of in-guest decompression under emulation (PVH boot).
VMLINUZ=$KDIR/root/boot/vmlinuz-$KVER
if [ ! -s "$KDIR/vmlinux" ]; then
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$VMLINUZ" | tr -d ' ')
	[ "$sects" = 0 ] && sects=4
	poff=$(od -An -tu4 -j $((0x248)) -N4 "$VMLINUZ" | tr -d ' ')
	off=$(( (sects + 1) * 512 + poff ))
	if [ "$(od -An -tx1 -j "$off" -N6 "$VMLINUZ" | tr -d ' ')" = fd377a585a00 ]; then
		xz -dc --single-stream < <(tail -c +$((off + 1)) "$VMLINUZ") > "$KDIR/vmlinux.tmp"
		mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"
	else
		say "kernel payload is not xz; booting the bzImage"
	fi
fi

# The initramfs: busybox, our init, and the modules for virtio-9p + overlay.
MODS="virtio_pci 9pnet_virtio 9p overlay virtio_console virtio_rng"
INITRD=$KDIR/initramfs.cpio.gz
stamp="$(cat "$HERE/init.sh" "$HERE/setup.sh" /bin/busybox | sha256sum | cut -c1-16)"
if [ ! -s "$INITRD" ] || [ "$(cat "$KDIR/initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "building the initramfs"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work"/{bin,dev,proc,sys,newroot,ctl,modules}
	cp /bin/busybox "$work/bin/busybox"
	install -m 755 "$HERE/init.sh" "$work/init"
	: > "$work/modules/order"
	# shellcheck disable=SC2086
	modprobe -d "$KDIR/root" -S "$KVER" --show-depends -a $MODS |
		awk '$1 == "insmod" { print $2 }' | while read -r ko; do
			b=$(basename "$ko")
			grep -qx "$b" "$work/modules/order" && continue
			cp "$ko" "$work/modules/$b"
			echo "$b" >> "$work/modules/order"
		done
	echo "$KVER" > "$work/kver"
	(cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	echo "$stamp" > "$KDIR/initramfs.stamp"
fi
echo "$KVER" > "$CACHE/current.tmp" && mv "$CACHE/current.tmp" "$CACHE/current"
say "ready: kernel $KVER in $CACHE"
