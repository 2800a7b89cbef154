#!/bin/sh
# install-deps.sh - install every build and test dependency of sstpcd from
# Debian 12 (bookworm) packages.
#
# Usage: sudo scripts/install-deps.sh [--no-stop-services] [--list]
#
#   --list               print the package list and exit
#   --no-stop-services   leave alone the services the packages ship
#
# Idempotent and non-interactive: when every package is already installed it
# does nothing but a dpkg query.  'apt-get update' runs only when the package
# lists are missing or an install fails.  Services that come with the test
# servers (squid, tinyproxy, haproxy, softether-vpnserver) are never started
# by the install (a policy-rc.d is put in place while it runs, unless one
# exists already), and the ones this run installed are stopped and disabled
# afterwards so they hold no ports: the tests start their own private
# instances inside network namespaces.
#
# Environment: SSTPCD_APT_LOCK_TIMEOUT (seconds to wait for the dpkg lock,
# default 600).
set -eu

PKGS="
build-essential binutils autoconf automake libtool pkg-config make
libgnutls28-dev nettle-dev libevent-dev libnl-3-dev libnl-route-3-dev
libreadline-dev ppp ppp-dev
softether-vpnserver softether-vpncmd tinyproxy squid haproxy
iperf3 socat netcat-openbsd tmux gnutls-bin openssl ca-certificates curl jq python3
iproute2 iputils-ping procps psmisc util-linux kmod
qemu-system-x86 busybox-static xz-utils
clang libclang-rt-14-dev valgrind
"
# Services shipped by the packages above that would hold ports.
SERVICES="squid tinyproxy haproxy softether-vpnserver"

stop_services=1
for a in "$@"; do
	case $a in
	--list)			echo $PKGS | tr ' ' '\n'; exit 0 ;;
	--no-stop-services)	stop_services=0 ;;
	-h|--help)		sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*)			echo "install-deps.sh: unknown option: $a" >&2; exit 2 ;;
	esac
done

log() { printf 'install-deps: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root (try: sudo $0)"
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
	log "this script needs Debian (apt-get, dpkg-query)"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
LOCK_TIMEOUT=${SSTPCD_APT_LOCK_TIMEOUT:-600}
APT="apt-get -q -y -o DPkg::Lock::Timeout=$LOCK_TIMEOUT -o Acquire::Retries=3"
APT="$APT -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

not_installed() {
	for p in $PKGS; do
		installed "$p" || printf ' %s' "$p"
	done
}

missing=$(not_installed)

if [ -z "$missing" ]; then
	log "all $(echo $PKGS | wc -w) packages are installed"
	exit 0
fi
log "installing:$missing"

# Keep the packages' services from starting during the install.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# installed by sstpcd install-deps.sh for the install only\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
cleanup() {
	if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lists_present() {
	ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'
}

updated=0
if ! lists_present; then
	log "apt-get update (no package lists)"
	$APT update
	updated=1
fi
# shellcheck disable=SC2086
if ! $APT install --no-install-recommends $missing; then
	if [ "$updated" = 1 ]; then
		log "apt-get install failed"
		exit 1
	fi
	log "install failed; apt-get update and retry"
	$APT update
	# shellcheck disable=SC2086
	$APT install --no-install-recommends $missing
fi

# Stop and disable the services this run installed (their packages may have
# enabled them for the next boot, or started them where policy-rc.d is not
# honoured).
if [ "$stop_services" = 1 ]; then
	for s in $SERVICES; do
		case " $missing " in *" $s "*) ;; *) continue ;; esac
		if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
			systemctl disable --now "$s" >/dev/null 2>&1 || true
		elif [ -x "/etc/init.d/$s" ]; then
			"/etc/init.d/$s" stop >/dev/null 2>&1 || true
			command -v update-rc.d >/dev/null 2>&1 &&
			    update-rc.d "$s" disable >/dev/null 2>&1 || true
		fi
		log "service $s stopped and disabled (tests run their own instances)"
	done
fi

still=$(not_installed)
if [ -n "$still" ]; then
	log "still missing:$still"
	exit 1
fi
log "done"
