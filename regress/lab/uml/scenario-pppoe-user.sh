# Scenario "pppoe-user": rp-pppoe's user-mode pppoe client on a pty under
# pppd (asynchronous framing: pppoe's synchronous mode needs the N_HDLC
# line discipline, which the UML kernel lacks).  pppoe -U sends its pid as
# Host-Uniq, which tells concurrent instances' discoveries apart.

scenario_setup() {
	:
}

# Run pppd for instance $1 with the options file $2.
scenario_pppd() {
	svc=
	[ -n "${LAB_PPPOE_SERVICE:-}" ] && svc="-S $LAB_PPPOE_SERVICE"
	exec pppd pty "pppoe -I eth0 -T 80 -U $svc" \
	    noaccomp default-asyncmap mtu 1492 mru 1492 file "$2"
}

# What carries instance $1's session besides pppd (for a crash): the
# pppoe relay on pppd's pty.
scenario_procs() {
	read pid <"/run/lab/i$1.pid"
	pty_children "$pid" pppoe
}
