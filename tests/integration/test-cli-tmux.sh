#!/bin/bash
# test-cli-tmux.sh - type into the interactive sstpctl in a private tmux server
# and read the screen: the prompt follows the menu, Tab completes menus,
# commands, properties, values and item names, '?' explains without being
# inserted, monitor redraws one block in place until q or Ctrl-C, history is
# kept.  The daemon runs in its own namespace (only lo).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/daemon.sh"

t_need_netns
t_need_cmd tmux
t_need_build sstpcd sstpctl

NS=${T_ID}clt
t_netns_new "$NS"
d_start "$NS" "$T_DIR/d"
SOCK=$T_SSTPCD_SOCK
C=("$BUILD/sstpctl" --socket "$SOCK")
t_expect "${C[@]}" /interface sstp-client add user=sstp-test password=123 connect-to=10.1.101.1 disabled=no >/dev/null
t_expect "${C[@]}" /interface sstp-client add name=office user=u connect-to=192.0.2.7 disabled=no >/dev/null

mkdir -p "$T_DIR/home"
# A shell around sstpctl reports its exit status (tmux itself may be slow to
# notice the pane's end); it ignores the Ctrl-C typed for sstpctl, which
# sets its own handler.
t_tmux_new cli sh -c 'trap "" INT; HOME=$0 TERM=screen "$1" --socket "$2"; echo "sstpctl exit $?"' \
    "$T_DIR/home" "$BUILD/sstpctl" "$SOCK"

TM_CMD=(tmux -L "$T_ID")
screen() { t_tmux_screen cli; }
keys() { t_tmux_keys cli "$@"; }
# The last non-empty line of the screen.
last_line() { screen | sed '/^$/d' | tail -1; }
# wait_for REGEX [SECONDS]: until the screen matches.
wait_for() {
	local i s
	for ((i = 0; i < ${2:-5} * 10; i++)); do
		s=$(screen)
		[[ $s =~ $1 ]] && return 0
		sleep 0.1
	done
	printf '%s\n' "$s" >&2
	t_fail "screen never matched: $1"
}
# wait_line TEXT [SECONDS]: until the last line is exactly TEXT.
wait_line() {
	local i
	for ((i = 0; i < ${2:-5} * 10; i++)); do
		[ "$(last_line)" = "$1" ] && return 0
		sleep 0.1
	done
	screen >&2
	t_fail "last line is '$(last_line)', expected '$1'"
}

U=$(id -un)
wait_for "\\[$U@sstpcd\\] >"

# Menus by completion; the prompt follows.
keys '/int' Tab
wait_line "[$U@sstpcd] > /interface"
keys 'sst' Tab
wait_line "[$U@sstpcd] > /interface sstp-client"
keys Enter
wait_line "[$U@sstpcd] /interface sstp-client>"

# Commands, properties (with =), enum values.
keys 'ad' Tab 'conn' Tab
wait_line "[$U@sstpcd] /interface sstp-client> add connect-to="
keys '?'
wait_for 'connect-to +-- server address or DNS name'
wait_line "[$U@sstpcd] /interface sstp-client> add connect-to="
keys C-u 'add ppp-engine=b' Tab
wait_line "[$U@sstpcd] /interface sstp-client> add ppp-engine=builtin"
keys C-u 'set 0 tls-version=only' Tab
wait_line "[$U@sstpcd] /interface sstp-client> set 0 tls-version=only-1."
keys Tab Tab
wait_for 'only-1\.2 +only-1\.3'
keys C-u

# '?' on an empty line lists the commands of the menu.
keys '?'
wait_for 'monitor +-- show the run-time state'
wait_line "[$U@sstpcd] /interface sstp-client>"

# print detail by prefixes; item names complete from the daemon.
keys 'pr' Tab 'det' Tab Enter
wait_for 'name="office" disabled=no connect-to=192\.0\.2\.7'
keys 'mon' Tab 'of' Tab
wait_line "[$U@sstpcd] /interface sstp-client> monitor office"

# monitor redraws in place: one block, whose status follows a change made
# from elsewhere, until q.
keys Enter
wait_for '-- \[Q quit\|Ctrl-C\]'
sleep 2.5
t_assert_eq "$(screen | grep -c ' status: ')" 1 "one block on screen after 2.5 s"
t_expect "${C[@]}" /interface sstp-client disable office >/dev/null
wait_for ' status: disabled' 4
t_assert_eq "$(screen | grep -c ' status: ')" 1 "still one block after the change"
keys q
wait_line "[$U@sstpcd] /interface sstp-client>"

# In a narrow terminal the long lines wrap; the redraw still covers them.
"${TM_CMD[@]}" resize-window -t cli -x 50 -y 48
keys C-l 'monitor 0' Enter
wait_for 'last-disconnect-reason'
sleep 3.5
t_assert_eq "$(screen | grep -c 'status: ')" 1 "one block in 50 columns"
t_assert_eq "$(screen | grep -c 'monitor 0$')" 1 "the command line stays above it"
keys q
wait_line "[$U@sstpcd] /interface sstp-client>"
"${TM_CMD[@]}" resize-window -t cli -x 160 -y 48

# Ctrl-C ends monitor too; errors point at the word.
keys 'monitor 0,1' Enter
wait_for ' name: office'
keys C-c
wait_line "[$U@sstpcd] /interface sstp-client>"
keys 'print detail bogus' Enter
wait_for 'expected end of command \(line 1 column 14\)'

# Ctrl-C at the prompt drops the line and sstpctl stays.
keys 'remove 0'
wait_line "[$U@sstpcd] /interface sstp-client> remove 0"
keys C-c
wait_line "[$U@sstpcd] /interface sstp-client>"
t_assert_eq "$(t_expect "${C[@]}" /interface sstp-client print count-only)" 2 "nothing removed"

# The daemon restarts: the next command says so, sstpctl reconnects into
# the same menu, and the one after works.
d_stop
d_start "$NS" "$T_DIR/d"
keys 'print count-only' Enter
wait_for 'connection to sstpcd lost'
wait_line "[$U@sstpcd] /interface sstp-client>"
keys 'print count-only' Enter
wait_for $'print count-only\n2\n'

# Back to the root; quit; the history was kept.
keys '/' Enter
wait_line "[$U@sstpcd] >"
keys 'quit' Enter
wait_for $'quit\nsstpctl exit 0'
grep -qx 'monitor office' "$T_DIR/home/.sstpctl_history" ||
    t_fail "history: $(cat "$T_DIR/home/.sstpctl_history" 2>&1)"

t_pass
