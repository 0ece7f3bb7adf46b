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
