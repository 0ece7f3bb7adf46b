# Scenario "lan": no PPP at all.  The "session" is eth0 itself, up at
# once, so the runner's ping and iperf3 go straight to the server side's
# segment address: a check of the segment (bridge, taps, the external
# namespace's veth, its iperf3 servers) without any server.

scenario_setup() {
	:
}

# Stand in for pppd as instance $1: report eth0 (its first address
# LAB_ADDRS) as up, then wait for the runner's SIGTERM.
scenario_pppd() {
	set -- "$1" $LAB_ADDRS
	read now idle </proc/uptime
	printf 'iface=eth0\nip=%s\nremote=%s\ndns1=\ndns2=\nt_up=%s\n' \
	    "${2%/*}" "$LAB_SERVER_IP" "$now" >"$labdir/i$1.up"
	echo "up $1" >/run/lab/events
	exec sleep "$LAB_DEADLINE"
}

# What carries instance $1's "session" besides its stand-in (for a
# crash): nothing.
scenario_procs() {
	:
}
