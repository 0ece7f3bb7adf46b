#!/bin/sh
# Role "server": the reference servers, run inside their own UML.
#   LAB_SERVERS	    "pptpd" and/or "pppoe" (pppoe-server)
#   LAB_IPERF_PORTS an iperf3 server on each of these ports
# lab.py wrote the pppd options and secrets into /etc/ppp (this UML's copy)
# and pptpd.conf into $labdir.  Writes "ready" to $labdir/ready once
# everything listens, serves until $labdir/stop appears, and writes the
# UML's /proc/stat cpu line at both moments to $labdir/cpu (lab.py turns
# them into CPU seconds).
d=$labdir
. "$LAB_HOME/uml/events.sh"

on_event() {
	[ "$1" = stop ] && stop=1
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

pids=
want=
for s in $LAB_SERVERS; do
	case $s in
	pptpd)
		pptpd -f -c "$d/pptpd.conf" -p /run/pptpd.pid &
		pids="$pids $!"
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
		;;
	*)
		echo "server: unknown server $s"
		;;
	esac
done
for port in $LAB_IPERF_PORTS; do
	iperf3 -s -p "$port" >>"$d/iperf3.log" 2>&1 &
	pids="$pids $!"
	want="$want $(printf '%04X' "$port")"
done

n=0
while ! all_listening && [ $n -lt 60 ]; do
	sleep 0.5
	n=$((n + 1))
done
all_listening || echo "server: not listening on all of$want"

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
# pppd processes still running: sessions the clients did not end, or
# whose end the server has not finished within 5 seconds.
pppds() {
	n=0
	for p in /proc/[0-9]*; do
		read comm <"$p/comm" 2>/dev/null && [ "$comm" = pppd ] &&
		    n=$((n + 1))
	done
}
pppds
t=0
while [ $n -gt 0 ] && [ $t -lt 10 ]; do
	sleep 0.5
	t=$((t + 1))
	pppds
done
echo "pppd_running=$n" >>"$d/info"
kill -TERM $pids 2>/dev/null
echo "server: stopped at uptime $(uptime_now)"
