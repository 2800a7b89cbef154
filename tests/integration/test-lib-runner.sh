#!/bin/bash
# test-lib-runner.sh - tests/run-tests.sh itself, on a tree of made-up tests:
# pass, fail (its log shown), skip (its reason shown), a timeout from a
# "# timeout:" line, a leaked namespace and a leaked process (both fail and
# are removed), name patterns, and the exact summary line and exit status.
# timeout: 120
. "$(dirname "$0")/../lib/common.sh"
t_need_root
t_need_netns

tree=$T_DIR/tree
mkdir -p "$tree/tests/integration" "$tree/tests/vm" "$tree/tests/unit"
cp "$T_TOP/tests/run-tests.sh" "$tree/tests/"
cp -r "$T_TOP/tests/lib" "$tree/tests/"
it=$tree/tests/integration
mk() { # NAME BODY
	{
		echo '#!/bin/bash'
		echo '. "$(dirname "$0")/../lib/common.sh"'
		printf '%s\n' "$2"
	} >"$it/$1.sh"
}
mk test-a-pass 't_pass'
mk test-b-fail 'echo "the-fail-log-line"; t_fail "b went wrong"'
mk test-c-skip 't_skip "no such hardware"'
mk test-d-slow '# timeout: 2
sleep 30'
mk test-e-leakns 'ip netns add "${T_ID}leak"; t_pass'
mk test-f-leakproc 'sleep 600 & t_pass'
mk test-g-cleanns 't_netns_new "${T_ID}x"; t_pass'
echo 'echo never run' >"$it/helper.sh"
printf '#!/bin/sh\necho "SKIP: unit skip"\nexit 77\n' >"$tree/tests/unit/test-u"
chmod +x "$tree/tests/unit/test-u"

out=$("$tree/tests/run-tests.sh" --build "$tree" -j 3 2>&1)
rc=$?
printf '%s\n' "$out" >"$T_DIR/run.out"
t_log "$T_DIR/run.out" "the runner's output"
t_assert_eq "$rc" 1 "exit status with failures"
t_assert_eq "$(printf '%s\n' "$out" | tail -n 1)" "2 passed, 4 failed, 2 skipped" "summary line"
for l in 'PASS integration/test-a-pass' 'FAIL integration/test-b-fail \(exit 1\)' \
    'the-fail-log-line' 'FAIL: b went wrong' 'SKIP integration/test-c-skip: no such hardware' \
    'SKIP unit/test-u: unit skip' 'FAIL integration/test-d-slow' 'timed out after 2s' \
    'FAIL integration/test-e-leakns' 'left network namespaces behind: t[0-9]+n[0-9]+leak' \
    'FAIL integration/test-f-leakproc' 'sleep 600' 'PASS integration/test-g-cleanns' \
    'not run: test files are named test-\*.sh'; do
	t_assert_match "$out" "$l" "runner output"
done
t_assert_nomatch "$out" 'never run' "a non-test file ran"
t_assert_nomatch "$(ip netns list)" 'leak' "leaked namespace not removed"
pgrep -f '^sleep 600$' >/dev/null && t_fail "leaked process not killed"

out=$("$tree/tests/run-tests.sh" --build "$tree" pass skip 2>&1)
t_assert_eq "$?" 0 "exit status without failures"
t_assert_eq "$(printf '%s\n' "$out" | tail -n 1)" "1 passed, 0 failed, 1 skipped" "pattern selection"
t_pass
