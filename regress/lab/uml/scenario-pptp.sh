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

# What carries instance $1's call besides pppd (for a crash): pptp's GRE
# gateway (command "pptpgw", on pppd's pty) and, when the instance binds
# an address of its own, its call manager ("pptpcm", a daemon of its own,
# told apart by the bind address ending its command line).  A shared
# call manager carries the other instances' calls too and is spared.
scenario_procs() {
	read pid <"/run/lab/i$1.pid"
	pty_children "$pid" pptpgw
	eval "bind=\${LAB_BIND_$1:-}"
	[ -n "$bind" ] || return 0
	for p in /proc/[0-9]*; do
		proc_stat ${p#/proc/} && [ "$sc" = "(pptpcm)" ] || continue
		cmd=
		read -r cmd 2>/dev/null <"$p/cmdline"
		case $cmd in
		*"--localbind$bind") echo "$sp" ;;
		esac
	done
}
