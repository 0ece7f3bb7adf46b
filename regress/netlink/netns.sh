#!/bin/sh
# Root-only.  Run one case of a network test program inside network
# namespaces made for it alone, and delete them afterwards whatever
# happens.  Only addresses inside the namespaces are used: 10.200.0.0/16
# and fd00:200::/64, on veth pairs that lead nowhere else.
#
# usage: netns.sh PROGRAM CASE
#   ns A (pppoxd-test-PID) runs PROGRAM CASE /run/netns/<ns B>.
#   gre-*:   veth-a (ns A, 10.200.1.1, fd00:200::1) <-> veth-b (ns B,
#            10.200.1.2 and 10.200.1.3, fd00:200::2)
#   pppoe-*: veth-a <-> veth-b and veth-c <-> veth-d, all in ns A, MACs
#            02:00:00:00:00:0a/0b/1c/1d
set -u
prog=$1
case=$2
nsa=pppoxd-test-$$
nsb=pppoxd-test-$$-b

if [ "$(id -u)" -ne 0 ]; then
	echo "$case: needs root (network namespaces)" >&2
	exit 1
fi

cleanup() {
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	true
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
	echo "$case: setup failed: $*" >&2
	exit 1
}

ip netns add "$nsa" || fail "netns add $nsa"
ip netns add "$nsb" || fail "netns add $nsb"
ip -n "$nsa" link set lo up || fail "lo up"
ip -n "$nsb" link set lo up || fail "lo up"

case $case in
gre-*)
	ip -n "$nsa" link add veth-a address 02:00:00:00:00:0a type veth \
	    peer name veth-b address 02:00:00:00:00:0b netns "$nsb" ||
	    fail "veth"
	ip -n "$nsa" addr add 10.200.1.1/24 dev veth-a &&
	ip -n "$nsa" -6 addr add fd00:200::1/64 dev veth-a nodad &&
	ip -n "$nsb" addr add 10.200.1.2/24 dev veth-b &&
	ip -n "$nsb" addr add 10.200.1.3/24 dev veth-b &&
	ip -n "$nsb" -6 addr add fd00:200::2/64 dev veth-b nodad ||
	    fail "addresses"
	ip -n "$nsa" link set veth-a up && ip -n "$nsb" link set veth-b up ||
	    fail "links up"
	# Static neighbours: no ARP/ND queue to hold early packets back and
	# reorder them against later ones.
	ip -n "$nsa" neigh add 10.200.1.2 lladdr 02:00:00:00:00:0b \
	    dev veth-a nud permanent &&
	ip -n "$nsa" neigh add 10.200.1.3 lladdr 02:00:00:00:00:0b \
	    dev veth-a nud permanent &&
	ip -n "$nsa" -6 neigh add fd00:200::2 lladdr 02:00:00:00:00:0b \
	    dev veth-a nud permanent &&
	ip -n "$nsb" neigh add 10.200.1.1 lladdr 02:00:00:00:00:0a \
	    dev veth-b nud permanent &&
	ip -n "$nsb" -6 neigh add fd00:200::1 lladdr 02:00:00:00:00:0a \
	    dev veth-b nud permanent || fail "neighbours"
	;;
pppoe-*)
	ip -n "$nsa" link add veth-a address 02:00:00:00:00:0a type veth \
	    peer name veth-b address 02:00:00:00:00:0b &&
	ip -n "$nsa" link add veth-c address 02:00:00:00:00:1c type veth \
	    peer name veth-d address 02:00:00:00:00:1d || fail "veth"
	for l in veth-a veth-b veth-c veth-d; do
		ip -n "$nsa" link set "$l" up || fail "$l up"
	done
	;;
esac

timeout -k 5 60 ip netns exec "$nsa" "./$prog" "$case" "/run/netns/$nsb"
