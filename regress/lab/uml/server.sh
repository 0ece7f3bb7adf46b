#!/bin/sh
# Role "server": the server side, run inside its own UML.
#   LAB_SERVERS	    "pptpd" and/or "pppoe" (pppoe-server), or "pppoxd"
#   LAB_IPERF_PORTS an iperf3 server on each of these ports
#   LAB_REQUESTS    how many request files the host may write
# For the reference servers lab.py wrote the pppd options and secrets into
# /etc/ppp (this UML's copy) and pptpd.conf into $labdir; for pppoxd its
# configuration and secrets into $labdir, and LAB_PPPOXD* name the binary,
# its flags, chroot and control socket.  Writes "ready" to $labdir/ready
# once everything listens ("failed" before it if a server died at start),
# serves until $labdir/stop appears, and writes the UML's /proc/stat cpu
# line at both moments to $labdir/cpu (lab.py turns them into CPU
# seconds).  Meanwhile it answers the host's requests: $labdir/req-N holds
# "cpu N", "procs N" or "ctl N"; the answer goes to $labdir/snap-N.cpu,
# .procs or .ctl, then $labdir/snap-N.done.  (The host cannot append to a
# file this UML already reads through hostfs, so every request is a new
# file.)
d=$labdir
. "$LAB_HOME/uml/events.sh"

# The processes the "procs" request reports, with their memory in KiB
# from smaps_rollup.  cmdline's NULs are dropped by read, so the argv
# words run together; a pppoxd child's title reads "pppoxd: session".
procs() {
	for p in /proc/[0-9]*; do
		read -r comm <"$p/comm" 2>/dev/null || continue
		case $comm in
		pppoxd | pppd | pptpd | pptpctrl | pppoe-server | pppoe | iperf3)
			;;
		*)
			continue
			;;
		esac
		cmd=
		read -r cmd <"$p/cmdline" 2>/dev/null
		echo "pid=${p#/proc/} comm=$comm cmd=$cmd"
		while read -r k v rest; do
			case $k in
			Rss: | Pss: | Private_*: | Shared_*:)
				echo "	$k $v"
				;;
			esac
		done <"$p/smaps_rollup" 2>/dev/null
	done
}

on_event() {
	case $1 in
	stop)
		stop=1
		;;
	cpu)
		read -r line </proc/stat
		echo "$line" >"$d/snap-$2.cpu"
		answer_file "$d/snap-$2.done" done
		;;
	procs)
		procs >"$d/snap-$2.procs"
		answer_file "$d/snap-$2.done" done
		;;
	ctl)
		if [ -n "${LAB_PPPOXCTL:-}" ]; then
			"$LAB_PPPOXCTL" -s "$LAB_PPPOXD_SOCKET" show sessions \
			    >"$d/snap-$2.ctl" 2>&1
		else
			echo "no pppoxctl: not a pppoxd server" >"$d/snap-$2.ctl"
		fi
		answer_file "$d/snap-$2.done" done
		;;
	esac
}

# True once something listens on every TCP port in $want (hex, upper
# case, IPv4 or IPv6).
all_listening() {
	for p in $want; do
		found=
		for f in /proc/net/tcp /proc/net/tcp6; do
			[ -r $f ] || continue
			while read -r sl local rem st rest; do
				if [ "$st" = 0A ] && [ "${local##*:}" = "$p" ]; then
					found=1
					break
				fi
			done <$f
			[ -n "$found" ] && break
		done
		[ -n "$found" ] || return 1
	done
	return 0
}

# The first server in $servers (name=pid) that is no longer running.
dead_server() {
	for s in $servers; do
		kill -0 "${s#*=}" 2>/dev/null || {
			echo "${s%=*}"
			return 0
		}
	done
	return 1
}

pids=
want=
servers=
for s in $LAB_SERVERS; do
	case $s in
	pptpd)
		pptpd -f -c "$d/pptpd.conf" -p /run/pptpd.pid &
		pids="$pids $!"
		servers="$servers pptpd=$!"
		want="$want 06BB"
		;;
	pppoe)
		# Kernel-mode sessions (-k) need a build with them; Debian
		# 12's has none, and then every session is pppd on a pty
		# with a user-mode pppoe relay.  With -k, pppoe-server
		# loads /etc/ppp/plugins/rp-pppoe.so (lab.py links it).
		k=
		case $(pppoe-server -h 2>&1) in
		*" -k "*) k=-k ;;
		esac
		echo "pppoe_server_kernel=$([ -n "$k" ] && echo 1 || echo 0)" \
		    >>"$d/info"
		pppoe-server -F $k -I eth0 -C "$LAB_PPPOE_AC" \
		    -L "$LAB_LOCAL_IP" -R "$LAB_PPPOE_POOL" -N "$LAB_POOL_SIZE" \
		    -O /etc/ppp/pppoe-server-options $LAB_PPPOE_SERVICE_ARG &
		pids="$pids $!"
		servers="$servers pppoe-server=$!"
		;;
	pppoxd)
		# tun is loaded by init already and devtmpfs has the node;
		# both are checked because pppoxd cannot start without.
		"$LAB_MODPROBE" tun
		if [ ! -c /dev/net/tun ]; then
			mkdir -p /dev/net
			mknod /dev/net/tun c 10 200
		fi
		# The chroot must be root's, empty and not writable by
		# others: this UML's tmpfs, not the host's file system.
		mkdir -m 0755 "$LAB_PPPOXD_CHROOT"
		"$LAB_PPPOXD" $LAB_PPPOXD_ARGS -f "$d/pppoxd.conf" \
		    >>"$d/pppoxd.log" 2>&1 &
		pids="$pids $!"
		servers="$servers pppoxd=$!"
		# Ready once TCP 1723 listens, if it serves PPTP at all.
		while read -r w1 w2 rest; do
			case "$w1 $w2" in
			"listen pptp") want="$want 06BB"; break ;;
			esac
		done <"$d/pppoxd.conf"
		;;
	*)
		echo "server: unknown server $s"
		echo "unknown server $s" >"$d/failed"
		;;
	esac
done
for port in $LAB_IPERF_PORTS; do
	iperf3 -s -p "$port" >>"$d/iperf3.log" 2>&1 &
	pids="$pids $!"
	want="$want $(printf '%04X' "$port")"
done

n=0
while ! all_listening && ! dead_server >/dev/null && [ $n -lt 60 ]; do
	sleep 0.5
	n=$((n + 1))
done
if dead=$(dead_server); then
	echo "server: $dead exited at start"
	echo "$dead exited at start" >"$d/failed"
elif ! all_listening; then
	echo "server: not listening on all of$want"
fi

watch_requests

read cpu0 </proc/stat
echo "$cpu0" >"$d/cpu"
echo ready >"$d/ready"
echo "server: ready at uptime $(uptime_now)"

stop=
watch_file "$d/stop"
await '[ -n "$stop" ]' "$LAB_DEADLINE"
unwatch

read cpu1 </proc/stat
echo "$cpu1" >>"$d/cpu"
# Session processes still running: sessions the clients did not end, or
# whose end the server has not finished within 5 seconds (pppd for the
# reference servers, session children for pppoxd).
running() {
	n=0
	for p in /proc/[0-9]*; do
		read comm <"$p/comm" 2>/dev/null || continue
		case $comm in
		pppd)
			n=$((n + 1))
			;;
		pppoxd)
			read -r cmd <"$p/cmdline" 2>/dev/null
			case $cmd in
			"pppoxd: session"*) n=$((n + 1)) ;;
			esac
			;;
		esac
	done
}
running
t=0
while [ $n -gt 0 ] && [ $t -lt 10 ]; do
	sleep 0.5
	t=$((t + 1))
	running
done
echo "pppd_running=$n" >>"$d/info"
echo "sessions_running=$n" >>"$d/info"
kill -TERM $pids 2>/dev/null
# pppoxd ends what sessions are left on SIGTERM and logs it: give the
# servers 5 seconds to exit before the UML powers off.
alive() {
	for s in $servers; do
		kill -0 "${s#*=}" 2>/dev/null && return 0
	done
	return 1
}
t=0
while alive && [ $t -lt 10 ]; do
	sleep 0.5
	t=$((t + 1))
done
echo "server: stopped at uptime $(uptime_now)"
