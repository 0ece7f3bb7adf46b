#!/bin/sh
# Role "client": run LAB_COUNT pppd instances of scenario LAB_SCENARIO at
# once and leave the raw facts of each in $labdir for lab.py to read.
#
# Per instance N, lab.py wrote $labdir/iN.options (user, password, auth and
# MPPE policy, log file, unit N, ipparam $labdir/iN); the scenario script
# uml/scenario-$LAB_SCENARIO.sh supplies the transport (pptp on a pty, the
# rp-pppoe.so plugin, the user-mode pppoe client).  This script writes
# iN.start (uptime at pppd start); ip-up writes iN.up (address, peer, DNS,
# uptime) when IPCP is up.  Then: ping the peer through every tunnel
# (iN.ping), iperf3 through the first LAB_IPERF_INSTANCES of them, one at a
# time (iN.iperf, iN.iperf-r), write "tested", hold the sessions until
# $labdir/release appears or LAB_HOLD seconds pass, end every pppd with
# SIGTERM (iN.down) and record its exit status (iN.exit); "done" last.
d=$labdir
. "$LAB_HOME/uml/events.sh"
. "$LAB_HOME/uml/scenario-$LAB_SCENARIO.sh"

ready=
release=
settled=0
exited=0

on_event() {
	case $1 in
	ready)
		ready=1
		;;
	release)
		release=1
		;;
	up)
		eval "s=\${settled_$2:-}"
		[ -z "$s" ] && settled=$((settled + 1))
		eval "settled_$2=1"
		;;
	exit)
		eval "s=\${settled_$2:-}"
		[ -z "$s" ] && settled=$((settled + 1))
		eval "settled_$2=1"
		exited=$((exited + 1))
		;;
	esac
}

# Value of key $2 in key=value file $1, by builtins.
kv() {
	while IFS='=' read -r k v; do
		if [ "$k" = "$2" ]; then
			echo "$v"
			return
		fi
	done <"$1"
}

if [ -n "${LAB_SERVER_READY:-}" ]; then
	watch_file "$LAB_SERVER_READY"
	await '[ -n "$ready" ]' "$LAB_READY_TIMEOUT" ||
	    echo "client: server side not ready after ${LAB_READY_TIMEOUT}s"
	unwatch
fi

scenario_setup

# Start instance $1; a subshell keeps pppd's pid and, once it ends, its
# exit status.
start_instance() {
	(
		read now idle </proc/uptime
		echo "$now" >"$d/i$1.start"
		scenario_pppd $1 "$d/i$1.options" >"$d/i$1.out" 2>&1 &
		echo $! >"/run/lab/i$1.pid"
		wait $!
		echo $? >"$d/i$1.exit"
		echo "exit $1" >"$fifo"
	) &
}

# Start every instance at once; with LAB_FIRST_ALONE=1 instance 0 first
# and the others once it is up (pptp's shared call manager is started by
# the first pptp; two starting together race for it); with
# LAB_SEQUENTIAL=1 each once the one before has settled (up or failed).
i=0
if [ "${LAB_SEQUENTIAL:-0}" = 1 ]; then
	while [ $i -lt "$LAB_COUNT" ]; do
		start_instance $i
		i=$((i + 1))
		await '[ $settled -ge $i ]' "$LAB_UP_TIMEOUT" ||
		    echo "client: instance $((i - 1)) not up after" \
		    "${LAB_UP_TIMEOUT}s"
	done
elif [ "${LAB_FIRST_ALONE:-0}" = 1 ]; then
	start_instance 0
	await '[ $settled -ge 1 ]' "$LAB_UP_TIMEOUT"
	i=1
fi
while [ $i -lt "$LAB_COUNT" ]; do
	start_instance $i
	i=$((i + 1))
done

await '[ $settled -ge $LAB_COUNT ]' "$LAB_UP_TIMEOUT" ||
    echo "client: not all sessions up after ${LAB_UP_TIMEOUT}s"
echo "client: $settled settled, $exited exited at uptime $(uptime_now)"

# Ping through every tunnel that is up, all at once.
pings=
i=0
while [ $i -lt "$LAB_COUNT" ]; do
	if [ -e "$d/i$i.up" ] && [ ! -e "$d/i$i.exit" ] &&
	    [ "$LAB_PING_COUNT" -gt 0 ]; then
		iface=$(kv "$d/i$i.up" iface)
		peer=${LAB_TARGET:-$(kv "$d/i$i.up" remote)}
		ping -n -q -c "$LAB_PING_COUNT" -i 0.2 -W 2 -w 15 \
		    -I "$iface" "$peer" >"$d/i$i.ping" 2>&1 &
		pings="$pings $!"
	fi
	i=$((i + 1))
done
for p in $pings; do
	wait "$p"
done

# True if file $1 has a line containing $2, by builtins.
contains() {
	while read -r line; do
		case $line in
		*"$2"*) return 0 ;;
		esac
	done <"$1"
	return 1
}

# iperf3 to the server on LAB_IPERF_PORT, output in $1, other options
# "$@"; an iperf3 server runs one test at a time, so while it is busy with
# another client's, try again, for up to LAB_IPERF_WAIT seconds.
iperf() {
	out=$1
	shift
	tries=0
	while :; do
		timeout $((LAB_IPERF_SECS + 10)) iperf3 -c "$peer" \
		    -p "$LAB_IPERF_PORT" --bind-dev "$iface" \
		    -t "$LAB_IPERF_SECS" -f m --connect-timeout 3000 "$@" \
		    >"$out" 2>&1 && return 0
		contains "$out" busy || return 1
		tries=$((tries + 1))
		[ $tries -ge "$LAB_IPERF_WAIT" ] && return 1
		sleep 1
	done
}

# iperf3 through the first LAB_IPERF_INSTANCES tunnels, one after the
# other, to and from the server.
i=0
while [ $i -lt "$LAB_COUNT" ] && [ $i -lt "$LAB_IPERF_INSTANCES" ]; do
	if [ -e "$d/i$i.up" ] && [ ! -e "$d/i$i.exit" ]; then
		iface=$(kv "$d/i$i.up" iface)
		peer=${LAB_TARGET:-$(kv "$d/i$i.up" remote)}
		iperf "$d/i$i.iperf"
		[ "$LAB_IPERF_REVERSE" = 1 ] && iperf "$d/i$i.iperf-r" -R
	fi
	i=$((i + 1))
done

echo tested >"$d/tested"
if [ "$LAB_HOLD" -gt 0 ]; then
	watch_file "$d/release"
	await '[ -n "$release" ]' "$LAB_HOLD"
	unwatch
fi

# End every session the way a user would.
i=0
while [ $i -lt "$LAB_COUNT" ]; do
	if [ ! -e "$d/i$i.exit" ] && [ -e "/run/lab/i$i.pid" ]; then
		echo requested >"$d/i$i.down"
		read pid </run/lab/i$i.pid
		kill -TERM "$pid" 2>/dev/null
	fi
	i=$((i + 1))
done
await '[ $exited -ge $LAB_COUNT ]' 10 ||
    echo "client: some pppd did not exit within 10s of SIGTERM"
echo "client: done at uptime $(uptime_now)"
echo done >"$d/done"
