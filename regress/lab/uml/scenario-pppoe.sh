# Scenario "pppoe": kernel-mode PPPoE through pppd's rp-pppoe.so plugin on
# eth0.  Each instance sends its own Host-Uniq so that concurrent
# discoveries on the one interface are not mixed up.

scenario_setup() {
	:
}

# Run pppd for instance $1 with the options file $2.
scenario_pppd() {
	svc=
	[ -n "${LAB_PPPOE_SERVICE:-}" ] && svc="pppoe-service $LAB_PPPOE_SERVICE"
	exec pppd plugin rp-pppoe.so nic-eth0 \
	    pppoe-host-uniq "$(printf '%04x%04x' "$LAB_INDEX" "$1")" \
	    $svc file "$2"
}

# What carries instance $1's session besides pppd (for a crash): nothing,
# kernel PPPoE is pppd's own socket.
scenario_procs() {
	:
}
