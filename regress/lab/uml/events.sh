# Events for the role scripts, without polling: every event is one line
# in the fifo $fifo, which the role keeps open on fd 3 (so writers never
# block).  Writers are shell builtins (echo) in the instance subshells and
# in ip-up; files the host creates become events through busybox tail -F,
# which polls once a second inside one process.
fifo=/run/lab/events
mkfifo "$fifo"
exec 3<>"$fifo"
tags=0
tails=

# Turn the lines of host file $1 into events, once it appears.
watch_file() {
	busybox tail -F -n +1 -s 1 "$1" 2>/dev/null >&3 &
	tails="$tails $!"
}

# Stop every watch_file.
unwatch() {
	[ -n "$tails" ] && kill $tails 2>/dev/null
	tails=
}

# Read events, handing each to on_event, until the shell command "$1"
# succeeds (true) or $2 seconds pass (false).
await() {
	eval "$1" && return 0
	tags=$((tags + 1))
	tag=$tags
	(
		sleep "$2"
		echo "timeout $tag" >"$fifo"
	) &
	timer=$!
	while read -r ev arg <&3; do
		if [ "$ev" = timeout ]; then
			[ "$arg" = "$tag" ] && return 1
			continue
		fi
		on_event "$ev" "$arg"
		if eval "$1"; then
			kill "$timer" 2>/dev/null
			return 0
		fi
	done
	return 1
}

# Seconds since boot, with the centiseconds of /proc/uptime.
uptime_now() {
	read now idle </proc/uptime
	echo "$now"
}

# Follow the host's request files $labdir/req-1 .. req-$1 with one busybox
# tail: each line ("VERB N ARGS...") becomes an event.  (The host cannot
# append to a file this UML already reads through hostfs, so every
# request is a new file.)
watch_requests() {
	set --
	n=1
	while [ $n -le "${LAB_REQUESTS:-0}" ]; do
		set -- "$@" "$labdir/req-$n"
		n=$((n + 1))
	done
	[ $# -gt 0 ] || return 0
	busybox tail -q -F -n +1 -s 1 "$@" 2>/dev/null >&3 &
	tails="$tails $!"
}

# Answer a host request: the host reads snap-N.done as soon as it exists,
# so it appears whole, renamed into place (write $2 to file $1).
answer_file() {
	echo "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}
