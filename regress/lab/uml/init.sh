#!/bin/sh
# Init (pid 1) of every lab UML.  The root file system is the host's own
# through hostfs, so everything this writes outside the tmpfs mounts of
# uml/fstab lands on the host: only the per-UML directory $labdir is
# written to.
#
# The kernel command line carries labdir=DIR (it reaches init as an
# environment variable); DIR/env holds the role and its parameters as shell
# assignments written by lab.py.  The role script runs, then the UML powers
# off; the role script bounds its own waits and LAB_DEADLINE bounds it all.
#
# Every process started in a UML costs tens to hundreds of milliseconds
# of CPU (each new address space is built through the host), so these
# scripts start as few as they can and use shell builtins otherwise.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
TMPDIR=/run
export PATH TMPDIR

halt() {
	sync
	poweroff -f
}

if [ -z "${labdir:-}" ] || [ ! -f "$labdir/env" ]; then
	echo "lab init: no labdir=DIR with an env file on the command line"
	halt
fi
set -a
. "$labdir/env"
set +a

mount -a -T "$LAB_HOME/uml/fstab"
# Pid files, locks, pptp's call manager sockets, temporary files and the
# event fifo stay inside this UML.
mkdir -p /run/lock /run/pptp /run/lab
# pppd reads /etc/ppp/options, the secrets files and the ip-up hook from
# /etc/ppp: this UML's own copy, not the host's.
cp -a "$labdir/etc-ppp/." /etc/ppp/

# The host has no /lib/modules for the UML kernel; the wrapper runs
# modprobe against the tree lab.py linked under the run directory, for
# these loads and for the kernel's own requests (ppp-compress-18, ...).
echo "$LAB_MODPROBE" >/proc/sys/kernel/modprobe
"$LAB_MODPROBE" -a ppp_generic ppp_async ppp_synctty pppoe pptp \
    ppp_mppe tun ipv6 2>&1

echo "$LAB_NAME" >/proc/sys/kernel/hostname
{
	echo "link set lo up"
	echo "link set eth0 up"
	for a in $LAB_ADDRS; do
		echo "addr add $a dev eth0"
	done
	# Behind the lab's NAT: "NET/LEN,GATEWAY" each.
	for r in ${LAB_ROUTES:-}; do
		echo "route add ${r%,*} via ${r#*,} dev eth0"
	done
} | ip -batch -

# pptpd, pppoe-server and pptp log only to syslog.
busybox syslogd -n -O "$labdir/syslog.log" &

read up idle </proc/uptime
echo "lab init: $LAB_NAME role $LAB_ROLE at uptime $up"
(
	sleep "$LAB_DEADLINE"
	echo "lab init: deadline of ${LAB_DEADLINE}s reached"
	halt
) &
sh "$LAB_HOME/uml/$LAB_ROLE.sh"
rc=$?
read up idle </proc/uptime
echo "lab init: $LAB_ROLE exited with $rc at uptime $up"
halt
