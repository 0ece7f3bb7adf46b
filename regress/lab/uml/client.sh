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
#
# The last LAB_STANDBY instances are not started with the others.  While
# the sessions are held the host may ask, each request a new file
# $labdir/req-R (R from 1 to LAB_REQUESTS) answered by snap-R.done:
#   crash R N	 SIGKILL instance N's pppd and its transport's processes;
#		 answered once pppd is gone ("exit", or "idle" if it was
#		 not running)
#   start R N [M] start instance N again (or a standby one for the first
#		 time), from the address instance M bound if given;
#		 answered "up" or "exit"
#   test R N...	 ping through the given instances at once, then iperf3
#		 through each in turn: snap-R.iN.ping, .iperf, .iperf-r
d=$labdir
. "$LAB_HOME/uml/events.sh"
. "$LAB_HOME/uml/scenario-$LAB_SCENARIO.sh"

ready=
release=
settled=0
exited=0
started=0
first=$((LAB_COUNT - ${LAB_STANDBY:-0}))

on_event() {
	case $1 in
	ready)
		ready=1
		;;
	release)
		release=1
		;;
	up)
		settle $2
		answer starting $2 up
		;;
	exit)
		settle $2
		exited=$((exited + 1))
		answer starting $2 exit
		answer crashing $2 exit
		;;
	crash)
		set -- $2
		crash "$@"
		;;
	start)
		set -- $2
		start_request "$@"
		;;
	test)
		set -- $2
		test_request "$@"
		;;
	esac
}

# Instance $1 is up or has failed: count it once.
settle() {
	eval "s=\${settled_$1:-}"
	[ -z "$s" ] && settled=$((settled + 1))
	eval "settled_$1=1"
}

# If request $1_$2 (crashing_N, starting_N) waits for instance $2, answer
# it with $3.
answer() {
	eval "rq=\${$1_$2:-}"
	[ -n "$rq" ] || return 0
	answer_file "$d/snap-$rq.done" "$3"
	eval "$1_$2="
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

# True if file $1 has a line containing $2, by builtins.
contains() {
	while read -r line; do
		case $line in
		*"$2"*) return 0 ;;
		esac
	done <"$1"
	return 1
}

# The pid (sp), command name in its parentheses (sc) and parent (pp) of
# process $1, from its stat line by builtins; false if it is gone.
proc_stat() {
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	set -f
	set -- $st
	set +f
	sp=$1 sc=$2 pp=$4
}

# The processes named $2 whose parent is pppd $1 or the "sh -c" pppd ran
# its pty command with.
pty_children() {
	for p in /proc/[0-9]*; do
		proc_stat ${p#/proc/} && [ "$sc" = "($2)" ] || continue
		me=$sp
		if [ "$pp" = "$1" ] || { proc_stat $pp && [ "$pp" = "$1" ]; }
		then
			echo "$me"
		fi
	done
}

# True if instance $1 is up and its pppd has not ended.
running() {
	[ -e "$d/i$1.up" ] && [ ! -e "$d/i$1.exit" ]
}

# Start instance $1; a subshell keeps pppd's pid and, once it ends, its
# exit status.
start_instance() {
	started=$((started + 1))
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

# Ping the peer through each running instance of "$@" at once; the
# output of instance N goes to ${out}N.ping.
ping_all() {
	pings=
	for n in "$@"; do
		running $n && [ "$LAB_PING_COUNT" -gt 0 ] || continue
		iface=$(kv "$d/i$n.up" iface)
		peer=${LAB_TARGET:-$(kv "$d/i$n.up" remote)}
		ping -n -q -c "$LAB_PING_COUNT" -i 0.2 -W 2 -w 15 \
		    -I "$iface" "$peer" >"$out$n.ping" 2>&1 &
		pings="$pings $!"
	done
	for p in $pings; do
		wait "$p"
	done
}

# iperf3 to the server on LAB_IPERF_PORT, output in $1, other options
# "$@"; an iperf3 server runs one test at a time, so while it is busy with
# another client's, try again, for up to LAB_IPERF_WAIT seconds.
iperf() {
	file=$1
	shift
	tries=0
	while :; do
		timeout $((LAB_IPERF_SECS + 10)) iperf3 -c "$peer" \
		    -p "$LAB_IPERF_PORT" --bind-dev "$iface" \
		    -t "$LAB_IPERF_SECS" -f m --connect-timeout 3000 "$@" \
		    >"$file" 2>&1 && return 0
		contains "$file" busy || return 1
		tries=$((tries + 1))
		[ $tries -ge "$LAB_IPERF_WAIT" ] && return 1
		sleep 1
	done
}

# iperf3 through each running instance of "$@", one after the other, to
# and from the server: ${out}N.iperf, ${out}N.iperf-r.
iperf_each() {
	for n in "$@"; do
		running $n || continue
		iface=$(kv "$d/i$n.up" iface)
		peer=${LAB_TARGET:-$(kv "$d/i$n.up" remote)}
		iperf "$out$n.iperf"
		[ "$LAB_IPERF_REVERSE" = 1 ] && iperf "$out$n.iperf-r" -R
	done
}

# Request $1: SIGKILL instance $2's pppd and what carries its session
# (scenario_procs), as if they had crashed; snap-$1.killed lists them
# (pid, command name, command line).
crash() {
	if [ ! -e "/run/lab/i$2.pid" ] || [ -e "$d/i$2.exit" ]; then
		answer_file "$d/snap-$1.done" idle
		return
	fi
	read pid <"/run/lab/i$2.pid"
	victims="$pid $(scenario_procs $2)"
	for p in $victims; do
		comm=?
		cmd=
		read -r comm 2>/dev/null <"/proc/$p/comm"
		read -r cmd 2>/dev/null <"/proc/$p/cmdline"
		echo "$p $comm $cmd"
	done >"$d/snap-$1.killed"
	eval "crashing_$2=$1"
	kill -KILL $victims 2>/dev/null
}

# Request $1: start instance $2, bound like instance $3 if given.
start_request() {
	if [ -e "/run/lab/i$2.pid" ] && [ ! -e "$d/i$2.exit" ]; then
		answer_file "$d/snap-$1.done" running
		return
	fi
	if [ -n "${3:-}" ]; then
		eval "LAB_BIND_$2=\${LAB_BIND_$3:-}"
	fi
	rm -f "$d/i$2.up" "$d/i$2.exit" "$d/i$2.down"
	eval "starting_$2=$1"
	start_instance $2
}

# Request $1: test the instances "$2"...
test_request() {
	rq=$1
	shift
	out="$d/snap-$rq.i"
	ping_all "$@"
	iperf_each "$@"
	answer_file "$d/snap-$rq.done" done
}

if [ -n "${LAB_SERVER_READY:-}" ]; then
	watch_file "$LAB_SERVER_READY"
	await '[ -n "$ready" ]' "$LAB_READY_TIMEOUT" ||
	    echo "client: server side not ready after ${LAB_READY_TIMEOUT}s"
	unwatch
fi

scenario_setup

# Start every instance at once; with LAB_FIRST_ALONE=1 instance 0 first
# and the others once it is up (pptp's shared call manager is started by
# the first pptp; two starting together race for it); with
# LAB_SEQUENTIAL=1 each once the one before has settled (up or failed).
i=0
if [ "${LAB_SEQUENTIAL:-0}" = 1 ]; then
	while [ $i -lt $first ]; do
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
while [ $i -lt $first ]; do
	start_instance $i
	i=$((i + 1))
done

await '[ $settled -ge $first ]' "$LAB_UP_TIMEOUT" ||
    echo "client: not all sessions up after ${LAB_UP_TIMEOUT}s"
echo "client: $settled settled, $exited exited at uptime $(uptime_now)"

# Ping through every tunnel that is up, all at once; then iperf3 through
# the first LAB_IPERF_INSTANCES of them.
set --
i=0
while [ $i -lt $first ]; do
	set -- "$@" $i
	i=$((i + 1))
done
out="$d/i"
ping_all "$@"
set --
i=0
while [ $i -lt $first ] && [ $i -lt "$LAB_IPERF_INSTANCES" ]; do
	set -- "$@" $i
	i=$((i + 1))
done
iperf_each "$@"

echo tested >"$d/tested"
if [ "$LAB_HOLD" -gt 0 ]; then
	watch_file "$d/release"
	watch_requests
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
await '[ $exited -ge $started ]' 10 ||
    echo "client: some pppd did not exit within 10s of SIGTERM"
echo "client: done at uptime $(uptime_now)"
echo done >"$d/done"
