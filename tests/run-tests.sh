#!/bin/bash
# run-tests.sh - run sstpcd's tests and print one line per test and a summary.
#
# Usage: tests/run-tests.sh [OPTION...] [PATTERN...]
#
#   --build DIR        build directory with sstpcd, sstpctl and tests/unit
#                      (default: $SSTPCD_BUILD, else <top>/build, else <top>)
#   --also-unit DIR    also run the unit tests built in DIR (e.g. an ASan
#                      build), named "<basename of DIR>/unit/..."; repeatable
#   --fuzz DIR:SECONDS run every libFuzzer target built in DIR (configure
#                      --enable-fuzzing, CC=clang) for SECONDS on a copy of
#                      its committed corpus, as tests "fuzz-run/<target>";
#                      crashes are kept in DIR/fuzz-crashes/
#   --unit | --integration | --vm
#                      run only these kinds (combinable; default: all)
#   --no-build         do not run 'make check TESTS=' to build unit tests first
#   --timeout N        default per-test timeout in seconds (300); a test file
#                      may set its own with a line "# timeout: N"
#   -j N               run up to N tests at once (default $SSTPCD_TEST_JOBS or 1)
#   --list             print the tests that would run, and exit
#   --log-lines N      lines of a failing test's log to print (default 400)
#   PATTERN            run only tests whose name contains PATTERN (or matches
#                      it as a shell glob); names look like unit/test-http,
#                      fuzz/fuzz-sstp-corpus, integration/test-tls, vm/test-pppd
#
# Tests: unit tests are what 'make check' runs (the TESTS of the build, as
# 'make list-tests' prints them: tests/unit/test-*, the fuzz corpus runs);
# integration and VM tests are tests/integration/test-*.sh and
# tests/vm/test-*.sh, run with bash from the top of the tree, with
# SSTPCD_BUILD set.  Exit 0 pass, 77 skip (the reason is the last
# "SKIP: ..." line printed), anything else fail.  A test that leaves a
# network namespace named after its T_ID, or a process carrying its T_ID in
# the environment, behind fails (and they are removed).
#
# Output: "PASS name", "FAIL name" (followed by its log), "SKIP name: reason"
# per test, and last exactly "N passed, N failed, N skipped".  Exit status 1
# when any test failed, 2 on a usage error.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SSTPCD_BUILD:-}
also_unit=()
fuzz=()
kinds=""
do_build=1
deftimeout=300
jobs=${SSTPCD_TEST_JOBS:-1}
list=0
log_lines=400
patterns=()

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

while [ $# -gt 0 ]; do
	case $1 in
	--build)	build=$2; shift ;;
	--build=*)	build=${1#*=} ;;
	--also-unit)	also_unit+=("$2"); shift ;;
	--also-unit=*)	also_unit+=("${1#*=}") ;;
	--fuzz)		fuzz+=("$2"); shift ;;
	--fuzz=*)	fuzz+=("${1#*=}") ;;
	--unit)		kinds="$kinds unit" ;;
	--integration)	kinds="$kinds integration" ;;
	--vm)		kinds="$kinds vm" ;;
	--no-build)	do_build=0 ;;
	--timeout)	deftimeout=$2; shift ;;
	--timeout=*)	deftimeout=${1#*=} ;;
	-j)		jobs=$2; shift ;;
	-j*)		jobs=${1#-j} ;;
	--list)		list=1 ;;
	--log-lines)	log_lines=$2; shift ;;
	-h|--help)	usage 0 ;;
	-*)		echo "run-tests.sh: unknown option $1" >&2; usage ;;
	*)		patterns+=("$1") ;;
	esac
	shift
done
[ -n "$kinds" ] || kinds="unit integration vm"
case $jobs in ''|*[!0-9]*|0) echo "run-tests.sh: -j needs a number" >&2; exit 2 ;; esac

if [ -z "$build" ]; then
	if [ -x "$TOP/build/sstpcd" ] || [ -f "$TOP/build/Makefile" ]; then
		build=$TOP/build
	else
		build=$TOP
	fi
fi
build=$(cd "$build" 2>/dev/null && pwd) || { echo "run-tests.sh: no build dir $build" >&2; exit 2; }
export SSTPCD_BUILD=$build

selected() { # NAME
	local p
	[ ${#patterns[@]} -eq 0 ] && return 0
	for p in "${patterns[@]}"; do
		[[ $1 == *"$p"* ]] && return 0
		# shellcheck disable=SC2053
		[[ $1 == $p ]] && return 0
	done
	return 1
}

has_kind() { [[ " $kinds " == *" $1 "* ]]; }

# ---------------------------------------------------------------- collect
# Each entry: NAME<TAB>TIMEOUT<TAB>COMMAND (a file to run)
tests=()
add_unit_dir() { # BUILDDIR LABELPREFIX
	local d=$1 pre=$2 f n
	if [ "$do_build" = 1 ] && [ "$list" = 0 ] && [ -f "$d/Makefile" ]; then
		# builds the unit tests without running them
		if ! make -C "$d" -s check TESTS= >"$d/run-tests-build.log" 2>&1; then
			cat "$d/run-tests-build.log" >&2
			echo "run-tests.sh: building the unit tests in $d failed" >&2
			tests+=("${pre}unit/build	0	false")
			return
		fi
	fi
	local list
	# What 'make check' would run (TESTS), else the unit test binaries.
	if [ -f "$d/Makefile" ] && list=$(make -C "$d" -s --no-print-directory list-tests 2>/dev/null); then
		:
	else
		list=$(cd "$d" && ls tests/unit/test-* 2>/dev/null)
	fi
	for f in $list; do
		case $f in *.o|*.c|*.h|*.log|*.trs) continue ;; esac
		[ -f "$d/$f" ] && [ -x "$d/$f" ] || continue
		n=$pre${f#tests/}
		selected "$n" && tests+=("$n	$deftimeout	$d/$f")
	done
}

if has_kind unit; then
	add_unit_dir "$build" ""
	for d in "${also_unit[@]}"; do
		d=$(cd "$d" 2>/dev/null && pwd) || { echo "run-tests.sh: no dir $d" >&2; exit 2; }
		add_unit_dir "$d" "$(basename "$d")/"
	done
fi
for fz in "${fuzz[@]}"; do
	d=${fz%:*}
	secs=${fz##*:}
	d=$(cd "$d" 2>/dev/null && pwd) || { echo "run-tests.sh: no fuzz build $d" >&2; exit 2; }
	for f in "$d"/tests/fuzz/fuzz-*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case $f in *-corpus|*.o) continue ;; esac
		n=fuzz-run/$(basename "$f")
		selected "$n" && tests+=("$n	$((secs + 120))	fuzzrun:$secs:$f")
	done
done
for kind in integration vm; do
	has_kind "$kind" || continue
	for f in "$TOP/tests/$kind"/*.sh; do
		[ -f "$f" ] || continue
		b=$(basename "$f" .sh)
		case $b in
		test-*)	;;
		*)	[ "$kind" = integration ] &&
			    echo "NOTE tests/$kind/$b.sh is not run: test files are named test-*.sh" >&2
			continue ;;
		esac
		n=$kind/$b
		selected "$n" || continue
		t=$(sed -n 's/^# *timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
		tests+=("$n	${t:-$deftimeout}	$f")
	done
done

if [ "$list" = 1 ]; then
	for e in "${tests[@]}"; do echo "${e%%	*}"; done
	exit 0
fi

# ---------------------------------------------------------------- run
results=$(mktemp -d "${TMPDIR:-/tmp}/sstpcd-run-tests.XXXXXX")
trap 'rm -rf "$results"' EXIT
trap 'exit 130' INT TERM
passed=0 failed=0 skipped=0
failed_names=()

# leftover_pids TID: processes whose environment has T_ID=TID
leftover_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$BASHPID" ] && continue
		grep -qzx "T_ID=$1" "$p/environ" 2>/dev/null && printf '%s ' "${p#/proc/}"
	done
}

# fuzz_run SECONDS BINARY WORKDIR TIMEOUT: fuzz a copy of the target's
# corpus; a crash fails, its input is kept in <fuzz build>/fuzz-crashes/.
fuzz_run() {
	local secs=$1 bin=$2 w=$3 tmo=$4 name corpus rc keep f
	name=$(basename "$bin")
	corpus=$TOP/tests/fuzz/corpus-${name#fuzz-}
	mkdir -p "$w/corpus"
	[ -d "$corpus" ] && cp "$corpus"/* "$w/corpus/" 2>/dev/null
	cd "$w" || return 1
	timeout -k 30 "$tmo" "$bin" -max_total_time="$secs" -timeout=10 \
	    -print_final_stats=1 corpus >fuzz.log 2>&1
	rc=$?
	grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|INFO: Seed)|ERROR|SUMMARY|crash-|timeout-|leak-' fuzz.log | head -n 40
	if [ "$rc" != 0 ]; then
		tail -n 60 fuzz.log
		keep=$(dirname "$(dirname "$(dirname "$bin")")")/fuzz-crashes
		mkdir -p "$keep"
		for f in crash-* timeout-* leak-* oom-* slow-unit-*; do
			[ -e "$f" ] || continue
			cp "$f" "$keep/$name-$f"
			echo "run-tests.sh: failing input kept: $keep/$name-$f"
		done
	fi
	return "$rc"
}

# run_one INDEX ENTRY: runs in the background, leaves INDEX.rc and INDEX.log
run_one() {
	local i=$1 e=$2 name tmo cmd rc tid ns left k p
	name=${e%%	*}
	e=${e#*	}
	tmo=${e%%	*}
	cmd=${e#*	}
	tid=t$$n$i
	(
		cd "$TOP" || exit 1
		export T_ID=$tid
		case $cmd in
		fuzzrun:*)
			cmd=${cmd#fuzzrun:}
			fuzz_run "${cmd%%:*}" "${cmd#*:}" "$results/$i.fuzz" "$tmo" ;;
		*.sh)	exec timeout -k 30 "$tmo" bash "$cmd" ;;
		*)	export srcdir=$TOP
			cd "$(dirname "$(dirname "$(dirname "$cmd")")")" || exit 1
			exec timeout -k 30 "$tmo" "$cmd" ;;
		esac
	) </dev/null >"$results/$i.log" 2>&1
	rc=$?
	[ "$rc" = 124 ] || [ "$rc" = 137 ] &&
	    echo "run-tests.sh: timed out after ${tmo}s" >>"$results/$i.log"
	# anything the test left behind fails it, and is removed here
	left=""
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$tid" || true); do
		left="$left $ns"
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$left" ]; then
		echo "run-tests.sh: the test left network namespaces behind:$left" >>"$results/$i.log"
		[ "$rc" = 0 ] || [ "$rc" = 77 ] && rc=1
	fi
	# and so does any process still carrying the test's T_ID, 3 s later
	# (an orphaned 'sleep 1' of a killed loop ends by itself)
	left=$(leftover_pids "$tid")
	for ((k = 0; k < 15 && ${#left} > 0; k++)); do
		sleep 0.2
		left=$(leftover_pids "$tid")
	done
	if [ -n "$left" ]; then
		{
			echo "run-tests.sh: the test left processes behind (killed):"
			for p in $left; do
				printf '  %s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-150)"
			done
		} >>"$results/$i.log"
		kill -KILL $left 2>/dev/null
		[ "$rc" = 0 ] || [ "$rc" = 77 ] && rc=1
	fi
	echo "$rc" >"$results/$i.rc"
}

report() { # INDEX ENTRY
	local i=$1 name=${2%%	*} rc reason
	rc=$(cat "$results/$i.rc" 2>/dev/null || echo 1)
	case $rc in
	0)	echo "PASS $name"; passed=$((passed + 1)) ;;
	77)	reason=$(grep -a '^SKIP: ' "$results/$i.log" | tail -n 1 | sed 's/^SKIP: //')
		echo "SKIP $name: ${reason:-no reason given}"
		skipped=$((skipped + 1)) ;;
	*)	echo "FAIL $name (exit $rc)"
		echo "----- log of $name (last $log_lines lines) -----"
		tail -n "$log_lines" "$results/$i.log"
		echo "----- end of $name -----"
		failed=$((failed + 1))
		failed_names+=("$name") ;;
	esac
}

# VM tests (and fuzz runs) each use every core and VM tests share one
# set-up cache: at most one of a group runs at a time.
group_of() { # NAME
	case $1 in
	vm/*)		echo vm ;;
	fuzz-run/*)	echo fuzz ;;
	*)		echo "" ;;
	esac
}

declare -A running=() busy=()
pending=()
for ((i = 0; i < ${#tests[@]}; i++)); do pending+=("$i"); done
while [ ${#pending[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
	# start what fits: in order, skipping tests whose group is busy
	rest=()
	for idx in "${pending[@]}"; do
		g=$(group_of "${tests[idx]%%	*}")
		if [ ${#running[@]} -lt "$jobs" ] && { [ -z "$g" ] || [ -z "${busy[$g]:-}" ]; }; then
			run_one "$idx" "${tests[idx]}" &
			running[$!]=$idx
			[ -n "$g" ] && busy[$g]=1
		else
			rest+=("$idx")
		fi
	done
	pending=("${rest[@]}")
	[ ${#running[@]} -gt 0 ] || continue
	wait -n -p done_pid
	[ -n "${done_pid:-}" ] || continue
	idx=${running[$done_pid]:-}
	[ -n "$idx" ] || continue
	unset "running[$done_pid]"
	g=$(group_of "${tests[idx]%%	*}")
	[ -n "$g" ] && unset "busy[$g]"
	report "$idx" "${tests[idx]}"
done

if [ "$failed" -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
