#!/bin/busybox sh
# init.sh - /init of the test VM's initramfs (built by setup.sh).
#
# Stage 1 (PID 1 in the initramfs): load the boot modules, mount the host
# root read-only over virtio-9p under a tmpfs overlay, mount the control
# and writable shares, switch_root.  Stage 2 (PID 1 in the new root): load
# the test modules, make the static device nodes, run the command with its
# output on two virtio serial ports, write its status to ctl/rc, power off.

B=/bin/busybox
CTL=/run/sstp-vm/ctl
P9="trans=virtio,version=9p2000.L,msize=262144"

if [ "$1" = stage2 ]; then
	B=/run/sstp-vm/busybox
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root TERM=dumb LANG=C.UTF-8 SSTP_IN_VM=1
	echo stage2 > $CTL/stage
	$B hostname sstp-vm
	$B ip link set lo up
	# Device nodes that load their module on open (/dev/ppp, /dev/net/tun).
	$B grep -v '^#' "/lib/modules/$($B uname -r)/modules.devname" 2>/dev/null |
	while read -r _m node dev; do
		[ -e "/dev/$node" ] && continue
		t=${dev%"${dev#?}"}; mm=${dev#?}
		case "$node" in */*) $B mkdir -p "/dev/${node%/*}" ;; esac
		$B mknod -m 600 "/dev/$node" "$t" "${mm%:*}" "${mm#*:}"
	done
	for m in $($B cat $CTL/modules 2>/dev/null); do
		modprobe "$m" 2>> $CTL/modprobe.err || echo "modprobe $m failed" > /dev/console
	done
	OUT=/dev/console ERR=/dev/console
	n=0
	while [ $n -lt 50 ]; do
		for p in /sys/class/virtio-ports/*; do
			[ -e "$p/name" ] || continue
			case "$($B cat "$p/name")" in
			out) OUT=/dev/${p##*/} ;;
			err) ERR=/dev/${p##*/} ;;
			esac
		done
		[ "$OUT" != /dev/console ] && [ "$ERR" != /dev/console ] && break
		n=$((n + 1)); $B usleep 100000
	done
	echo running > $CTL/stage
	/bin/bash $CTL/run.sh < /dev/null > "$OUT" 2> "$ERR"
	echo $? > $CTL/rc
	echo done > $CTL/stage
	$B sync
	$B poweroff -f
	exit 0
fi

# Stage 1.
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev
$B --install -s /bin
export PATH=/bin

fail() { echo "sstp-vm: $*" > /dev/console; [ -d /ctl/. ] && echo "$*" > /ctl/error; sync; poweroff -f; }

for m in $(cat /modules/order); do
	insmod "/modules/$m" || fail "insmod $m"
done
mount -t 9p -o $P9,cache=none sstpctl /ctl || fail "mount ctl"
echo stage1 > /ctl/stage
mkdir -p /mnt/lower /mnt/rw
mount -t 9p -o $P9,ro,cache=loose sstproot /mnt/lower || fail "mount host root"
mount -t tmpfs -o mode=755 sstprw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
    sstproot /newroot || fail "mount overlay"
for d in proc sys dev; do
	mount --move /$d /newroot/$d || fail "move /$d"
done
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /newroot/run
mkdir -p /newroot/dev/pts /newroot/dev/shm /newroot/run/lock /newroot$CTL
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm /newroot/dev/shm
mount --move /ctl /newroot$CTL || fail "move ctl"
n=0
while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	mkdir -p "/newroot$dir"
	mount -t 9p -o $P9,cache=mmap "sstpshare$n" "/newroot$dir" || fail "mount share $dir"
	n=$((n + 1))
done < /newroot$CTL/shares
KVER=$(cat /kver)
MODTREE=$(cat /newroot$CTL/modtree)
mkdir -p "/newroot/lib/modules/$KVER"
mount --bind "/newroot$MODTREE" "/newroot/lib/modules/$KVER" || fail "bind modules"
cp /bin/busybox /init /newroot/run/sstp-vm/
exec switch_root /newroot /run/sstp-vm/busybox sh /run/sstp-vm/init stage2
