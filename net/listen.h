/*
 * Sockets only the parent can open (binding port 1723, raw GRE, packet
 * sockets), which it then passes to the session children or keeps for
 * its listeners.  Every descriptor is non-blocking and close-on-exec.
 * Each function returns the descriptor, or -1 after log_warn()/
 * log_warnx() with errno set.
 */
#ifndef PPPOXD_LISTEN_H
#define PPPOXD_LISTEN_H

#include <sys/socket.h>
#include <stdint.h>

#define PPPOE_ETH_DISCOVERY	0x8863
#define PPPOE_ETH_SESSION	0x8864

/* listen.c */
/* A listening TCP socket, SO_REUSEADDR; IPv6 ones are IPV6_V6ONLY. */
int	tcp_listen(const struct sockaddr_storage *);
/*
 * A raw IPPROTO_GRE socket for one PPTP call: bound to local (may be NULL
 * or a wildcard), connected to peer, with a filter that passes only
 * enhanced GRE (version 1, key present, protocol 0x880B) whose Call ID
 * (the key's low half, the receiver's ID) is call_id.  The kernel drops
 * everything else.  IPv4 reads start with the IP header, IPv6 reads with
 * the GRE header.  send() takes a GRE header and payload.
 */
int	gre_open_call(const struct sockaddr_storage *local,
	    const struct sockaddr_storage *peer, uint16_t call_id);
/*
 * An AF_PACKET SOCK_RAW socket on one interface for one ethertype (e.g.
 * PPPOE_ETH_DISCOVERY).  Reads and writes are whole Ethernet frames;
 * frames this host sends are not looped back to it.
 */
int	pppoe_open(const char *ifname, uint16_t ethertype);
/*
 * An AF_PACKET SOCK_RAW socket for one PPPoE session on ifname: only
 * session-stage frames (0x8864, version/type 1/1, code 0) with this
 * session id from peer_mac to local_mac pass its filter.  session_id must
 * be neither 0 nor 0xffff (RFC 2516 reserves both); peer_mac must be
 * unicast.
 */
int	pppoe_open_session(const char *ifname, uint16_t session_id,
	    const uint8_t peer_mac[6], const uint8_t local_mac[6]);
/*
 * What the discovery stage needs to know of an Ethernet interface: its
 * index, hardware address and MTU.  0, or -1 after log_warn().
 */
int	pppoe_ifinfo(const char *ifname, uint32_t *ifindex, uint8_t mac[6],
	    int *mtu);

#endif /* PPPOXD_LISTEN_H */
