# Scenario "pptp": pptp-linux on a pty (GRE in user space) under pppd.
# Instance N binds its control connection and GRE to LAB_BIND_N when lab.py
# gave one (init added it to eth0), so every call has a control connection
# of its own, as separate PPTP clients would; without one all instances
# share pptp's call manager and so one control connection.

scenario_setup() {
	:
}

# Run pppd for instance $1 with the options file $2.
scenario_pppd() {
	eval "bind=\${LAB_BIND_$1:-}"
	pty="pptp $LAB_SERVER_IP --nolaunchpppd --loglevel 1"
	[ -n "$bind" ] && pty="$pty --localbind $bind"
	exec pppd pty "$pty" file "$2"
}
