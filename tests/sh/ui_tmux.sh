# summary: helpers for the UI tests (sourced): a private tmux server, start netboot-trace in a
# pane of a given size, wait for text on the screen, screen captures with and without escapes,
# and a pcap merger that renames a client's MAC so two lab captures become one multi-client one.
# Needs tmux; a test skips (77) without it.

command -v tmux >/dev/null 2>&1 || nbt_skip "tmux is not installed"
# Each session gets its own server socket: a server being killed may still hold the old one.
UI_N=0
UI_SOCK="$NBT_TMP/tmux.0.sock"
export TERM=xterm-256color
unset NO_COLOR TMUX
ui_tmux() { tmux -S "$UI_SOCK" "$@"; }
ui_cleanup() {
	local i
	for ((i = 0; i <= UI_N; i++)); do
		tmux -S "$NBT_TMP/tmux.$i.sock" kill-server >/dev/null 2>&1
	done
	rm -rf "$NBT_TMP"
}
trap ui_cleanup EXIT

# ui_start W H CMD...: runs CMD in a new W x H pane; after it ends the pane prints EXIT=<rc>
# and the terminal modes (stty -a), then waits so the screen can be read.
ui_start() {
	local w=$1 h=$2
	shift 2
	printf '%q ' "$@" >"$NBT_TMP/cmd"
	cat >"$NBT_TMP/run.sh" <<EOS
export ASAN_OPTIONS=detect_leaks=0 TZ=UTC LC_ALL=C
$(cat "$NBT_TMP/cmd") 2>"$NBT_TMP/stderr"
echo "EXIT=\$?"
stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\n' ' '
echo STTY-END
sleep 120
EOS
	UI_N=$((UI_N + 1))
	UI_SOCK="$NBT_TMP/tmux.$UI_N.sock"
	ui_tmux -f /dev/null new-session -d -x "$w" -y "$h" "bash $NBT_TMP/run.sh"
	ui_tmux set-option -g status off >/dev/null
}

ui_screen() { ui_tmux capture-pane -p; }
ui_screen_esc() { ui_tmux capture-pane -p -e; }

# ui_wait REGEX [SECONDS]: waits until the screen matches (grep -E); fails with the screen.
ui_wait() {
	local re=$1 t=${2:-8} i
	for ((i = 0; i < t * 10; i++)); do
		ui_screen | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	echo "---- screen (waited for: $re) ----" >&2
	ui_screen >&2
	nbt_fail "screen never showed: $re"
}

# ui_gone REGEX [SECONDS]: waits until the screen no longer matches.
ui_gone() {
	local re=$1 t=${2:-5} i
	for ((i = 0; i < t * 10; i++)); do
		ui_screen | grep -Eq -- "$re" || return 0
		sleep 0.1
	done
	ui_screen >&2
	nbt_fail "screen still shows: $re"
}

# ui_keys KEY...: send-keys, then a short pause for the redraw.
ui_keys() {
	ui_tmux send-keys "$@"
	sleep 0.3
}

# The pid of netboot-trace: the child of the pane's shell.
ui_pid() {
	local sh
	sh=$(ui_tmux display -p '#{pane_pid}')
	pgrep -P "$sh" | head -n 1
}

# After the program ended: the terminal is back (no alternate screen, cooked mode with echo).
ui_check_restored() {
	ui_wait 'STTY-END' 8
	[ "$(ui_tmux display -p '#{alternate_on}')" = 0 ] || nbt_fail "alternate screen left on"
	ui_screen | grep -q -- 'EXIT=' || nbt_fail "no exit status"
	local modes
	modes=$(ui_screen | grep -B1 STTY-END | tr '\n' ' ')
	echo "$modes" | grep -qw -- '-icanon' && nbt_fail "terminal left in raw mode: $modes"
	echo "$modes" | grep -qw -- '-echo' && nbt_fail "terminal left without echo: $modes"
	echo "$modes" | grep -qw 'icanon' || nbt_fail "no icanon in stty: $modes"
	return 0
}

# ui_merge OUT A B MAC: writes A + B (classic pcap, same link type) merged by time into OUT,
# with every copy of B's client MAC (6 bytes) replaced by MAC so the two clients stay apart.
ui_merge() {
	python3 - "$@" <<'EOP'
import struct, sys
out, a, b, mac = sys.argv[1:5]
def recs(path, swap=None):
    d = open(path, 'rb').read()
    hdr, pos, r = d[:24], 24, []
    end = '<' if d[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    while pos + 16 <= len(d):
        s, u, cl, wl = struct.unpack(end + 'IIII', d[pos:pos + 16])
        body = d[pos + 16:pos + 16 + cl]
        if swap:
            body = body.replace(swap[0], swap[1])
        r.append(((s, u), d[pos:pos + 16] + body))
        pos += 16 + cl
    return hdr, r
ha, ra = recs(a)
old = bytes.fromhex('dca6327926df')
hb, rb = recs(b, (old, bytes.fromhex(mac.replace(':', ''))))
assert ha[:4] == hb[:4] and ha[20:24] == hb[20:24], "different pcap formats"
with open(out, 'wb') as f:
    f.write(ha)
    for _, rec in sorted(ra + rb, key=lambda x: x[0]):
        f.write(rec)
EOP
}
