/*
 * pppoxd.h: what every pppoxd process shares.  The imsg_type enum below
 * is the map of the system: every message any process sends to another is
 * listed here, grouped by sender and receiver.
 */
#ifndef PPPOXD_H
#define PPPOXD_H

#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#define PPPOXD_VERSION		"0.1"
#define PPPOXD_CONF		"/etc/pppoxd/pppoxd.conf"
#define PPPOXD_SOCKET		"/run/pppoxd.sock"
#define PPPOXD_USER		"_pppoxd"
#define PPPOXD_CHROOT		"/var/lib/pppoxd"
#define PPPOXD_SECRETS		"/etc/ppp/chap-secrets"

/* Every exec'd child finds its channel to the parent on this fd. */
#define PPPOXD_IMSG_FD		3

#define PPP_NAME_MAX		256	/* user names as clients send them */
#define CTL_MSG_MAX		256

enum proc_id {
	PROC_PARENT,
	PROC_AUTH,
	PROC_SESSION,
	PROC_DISCOVERY,
	PROC_CTL,
	PROC_MAX
};

enum imsg_type {
	IMSG_NONE,

	/* pppoxctl -> parent */
	IMSG_CTL_SHOW_SESSIONS,		/* peerid 0: all, else that id */
	IMSG_CTL_SHOW_STATUS,
	IMSG_CTL_DISCONNECT,		/* struct ctl_disconnect */
	IMSG_CTL_RELOAD,
	/* parent -> pppoxctl */
	IMSG_CTL_SESSION,		/* struct ctl_session, one per row */
	IMSG_CTL_STATUS,		/* struct ctl_status */
	IMSG_CTL_RESULT,		/* struct ctl_result, ends a reply */

	/* parent -> auth */
	IMSG_AUTH_SECRETS,		/* fd: secrets file; struct auth_secrets */
	IMSG_AUTH_STATUS_REQ,
	IMSG_AUTH_SESSION,		/* fd: a session's channel to auth;
					   struct auth_session */
	IMSG_AUTH_FILE,			/* fd, or none and an error: an "@/"
					   file; struct auth_file */
	/* auth -> parent */
	IMSG_AUTH_STATUS,		/* struct auth_status */
	IMSG_AUTH_VERDICT,		/* struct auth_verdict */
	IMSG_AUTH_FILE_REQ,		/* open this "@/" secret file, please;
					   struct auth_file_req */

	/*
	 * session <-> auth, over the session's own channel, which the
	 * parent created: passwords never pass through the parent, and
	 * auth knows which session speaks without believing the session.
	 */
	IMSG_AUTH_CHALLENGE_REQ,	/* session -> auth: struct auth_chreq */
	IMSG_AUTH_CHALLENGE,		/* auth -> session: struct auth_challenge */
	IMSG_AUTH_REQUEST,		/* session -> auth: struct auth_request */
	IMSG_AUTH_RESULT,		/* auth -> session: struct auth_result */

	/* parent -> session */
	IMSG_SESS_AUTHCHAN,		/* fd: the channel to auth; first */
	IMSG_SESS_INIT,			/* fd: the connection; struct sess_init */
	IMSG_SESS_GRE,			/* fd: the call's GRE socket */
	IMSG_SESS_NET,			/* fd: the tun device; struct sess_net */
	IMSG_SESS_TERMINATE,		/* struct sess_terminate */
	/* session -> parent */
	IMSG_SESS_STATE,		/* struct sess_state */
	IMSG_SESS_GRE_REQ,		/* struct sess_gre_req */
	IMSG_SESS_NET_REQ,		/* struct sess_net_req */

	/*
	 * parent <-> discovery.  The discovery process parses PPPoE
	 * discovery frames for the parent, which only ever sees the
	 * checked outcome: a MAC that asks for a session, or ends one.
	 */
	/* parent -> discovery */
	IMSG_DISC_CONF,			/* struct disc_conf: a new interface set */
	IMSG_DISC_IFACE,		/* fd: discovery socket; struct disc_iface */
	IMSG_DISC_CONF_END,		/* the set is complete: use it */
	IMSG_DISC_SESSION,		/* peerid: request; struct disc_session */
	IMSG_DISC_SESSION_UP,		/* struct disc_sess: running, after a
					   restart of discovery */
	IMSG_DISC_SESSION_END,		/* struct disc_sess */
	/* discovery -> parent */
	IMSG_DISC_SESSION_REQ,		/* peerid: request; struct disc_session_req */
	IMSG_DISC_PADT,			/* struct disc_padt */
	IMSG_DISC_STATS,		/* struct disc_stats */

	IMSG_MAX
};

/* IMSG_CTL_DISCONNECT */
enum ctl_match {
	CTL_MATCH_ID,
	CTL_MATCH_USER,
	CTL_MATCH_IP,
};

struct ctl_disconnect {
	int		 match;		/* enum ctl_match */
	uint32_t	 id;
	char		 user[PPP_NAME_MAX];
	struct in_addr	 ip;
};

struct ctl_session {
	uint32_t	 id;
	pid_t		 pid;
	char		 proto[8];
	char		 state[16];
	char		 user[PPP_NAME_MAX];
	char		 peer[64];	/* printable peer address or MAC */
	char		 ifname[IFNAMSIZ];
	struct in_addr	 addr;		/* assigned address, 0 if none */
	int64_t		 started;	/* time(3) */
	uint64_t	 ibytes, obytes, ipackets, opackets;
};

/* IMSG_DISC_STATS, and in struct ctl_status */
struct disc_stats {
	uint64_t	 padi, pado, padr, pads, padt_in, padt_out;
	uint64_t	 refused;	/* PADS with an error tag */
	uint64_t	 malformed;	/* frames that did not parse */
	uint64_t	 bad_cookie;	/* PADR without our cookie */
	uint64_t	 rate_limited;	/* PADI/PADR over a rate */
	uint64_t	 over_limit;	/* silent: session limits */
	uint64_t	 unknown_service;
	uint64_t	 unknown_session; /* PADT for no session */
};

struct ctl_status {
	char		 version[16];
	pid_t		 pid;
	int64_t		 started;
	int64_t		 reloaded;	/* 0 if never */
	char		 config[256];
	uint32_t	 sessions;
	uint32_t	 listeners;
	pid_t		 auth_pid;
	uint32_t	 auth_secrets;	/* entries the auth process loaded */
	uint32_t	 auth_errors;	/* lines it skipped */
	pid_t		 disc_pid;	/* -1: no PPPoE discovery process */
	struct disc_stats disc;		/* PPPoE discovery counters */
};

struct ctl_result {
	int		 error;		/* 0: success */
	char		 msg[CTL_MSG_MAX];
};

/* Which secrets entry a DOMAIN\user name matches (known_pitfalls A1). */
enum auth_strip_domain {
	AUTH_STRIP_DOMAIN_FALLBACK,	/* as sent, else without the domain */
	AUTH_STRIP_DOMAIN_NO,		/* as sent (pppd's default) */
	AUTH_STRIP_DOMAIN_YES,		/* without it (chapms-strip-domain) */
};

/* IMSG_AUTH_SECRETS */
struct auth_secrets {
	char		 server_name[64];	/* second column to match */
	char		 path[256];		/* for messages only */
	int		 strip_domain;		/* enum auth_strip_domain */
};

/*
 * IMSG_AUTH_FILE_REQ and IMSG_AUTH_FILE: peerid is the number of the
 * secrets load that asks, so that answers to a load a reload replaced
 * are recognised; idx is the request's place in that load.
 */
#define AUTH_FILE_PATH_MAX	1024	/* a chap-secrets word, with NUL */

struct auth_file_req {
	uint32_t	 idx;
	char		 path[AUTH_FILE_PATH_MAX];
};

struct auth_file {
	uint32_t	 idx;
	int		 error;		/* errno if refused (no fd), else 0 */
};

/* IMSG_AUTH_STATUS */
struct auth_status {
	uint32_t	 entries;
	uint32_t	 errors;
};

/* Authentication methods, as they travel between processes. */
enum auth_method {
	AUTH_PAP,
	AUTH_CHAP_MD5,
	AUTH_MSCHAP_V1,
	AUTH_MSCHAP_V2,
};

#define AUTH_CHALLENGE_MAX	16	/* we send 16 (8 for MS-CHAPv1) */
#define AUTH_RESPONSE_MAX	255	/* a PAP password may be 255 bytes */
#define AUTH_MESSAGE_MAX	256
#define MPPE_KEY_LEN		16

/* IMSG_AUTH_SESSION */
struct auth_session {
	uint32_t	 id;
	char		 peer[64];	/* for log lines */
	char		 peer_addr[48];	/* throttling key: address, no port */
};

/* IMSG_AUTH_CHALLENGE_REQ: the session is about to send a challenge. */
struct auth_chreq {
	int		 method;	/* enum auth_method, not PAP */
};

/* IMSG_AUTH_CHALLENGE: what auth will verify against; kept by auth. */
struct auth_challenge {
	uint8_t		 challenge[AUTH_CHALLENGE_MAX];
	uint8_t		 len;
};

/* IMSG_AUTH_REQUEST: the peer's answer, as received. */
struct auth_request {
	int		 method;	/* enum auth_method */
	uint8_t		 id;		/* CHAP identifier */
	char		 name[PPP_NAME_MAX];
	uint8_t		 response[AUTH_RESPONSE_MAX];	/* or PAP password */
	uint16_t	 response_len;
};

/* IMSG_AUTH_RESULT */
struct auth_result {
	int		 ok;
	/*
	 * CHAP/MS-CHAP: the Success or Failure message to send as is
	 * ("S=... M=..." or "E=691 R=1 C=... V=3 M=..."); PAP: its text.
	 */
	char		 message[AUTH_MESSAGE_MAX];
	int		 retry;		/* another attempt is allowed */
	int		 have_keys;	/* MS-CHAP: MPPE keys follow */
	uint8_t		 send_key[MPPE_KEY_LEN];	/* server to peer */
	uint8_t		 recv_key[MPPE_KEY_LEN];	/* peer to server */
};

/* Address policy from the secrets file's address column. */
enum auth_addr {
	AUTH_ADDR_POOL,			/* any: take one from the pool */
	AUTH_ADDR_FIXED,		/* exactly this one */
	AUTH_ADDR_NONE,			/* no address allowed: refuse */
};

/* IMSG_AUTH_VERDICT: auth tells the parent who logged in where. */
struct auth_verdict {
	uint32_t	 id;		/* session */
	int		 ok;
	int		 method;
	char		 user[PPP_NAME_MAX];
	int		 addr;		/* enum auth_addr */
	struct in_addr	 fixed;
};

/* IMSG_SESS_INIT */
enum sess_proto {
	SESS_PROTO_PPTP,
	SESS_PROTO_PPPOE,
};

/* A PPPoE session as the discovery stage set it up. */
struct sess_pppoe {
	char			 ifname[IFNAMSIZ];
	uint8_t			 peer_mac[6];
	uint8_t			 local_mac[6];
	uint16_t		 session_id;
	int			 max_payload;	/* largest PPP frame: 1492, or
						   more by RFC 4638 */
};

/* The PPP profile of the session's listener. */
struct sess_ppp {
	int			 auth[4];	/* enum auth_method, offer order */
	int			 nauth;
	int			 mppe;		/* CCP_MPPE_OFF, _OPTIONAL, _REQUIRED */
	int			 mppe_bits;	/* 0x1 40, 0x2 56, 0x4 128 */
	int			 mppe_stateful;
	int			 mru;
	int			 echo_interval;
	int			 echo_failures;
	int			 idle_timeout;
	int			 session_timeout;
	int			 max_auth_failures;
	int			 mss_clamp;	/* 0 off, -1 from the MTU, or
						   this MSS */
};

struct sess_init {
	uint32_t		 id;
	int			 proto;		/* enum sess_proto */
	struct sockaddr_storage	 peer;
	struct sockaddr_storage	 local;
	int			 ctrl_timeout;	/* seconds to first message */
	char			 hostname[64];	/* our name towards peers */
	uint16_t		 call_id;	/* PPTP: ours, unique */
	struct sess_pppoe	 pppoe;		/* PPPoE */
	struct sess_ppp		 ppp;
};

/* IMSG_SESS_GRE_REQ: a PPTP call is up; its GRE socket, please. */
struct sess_gre_req {
	uint16_t		 peer_call_id;	/* for the log only */
};

/* IMSG_SESS_NET_REQ: authenticated; IPCP wants an address. */
struct sess_net_req {
	int			 mru;		/* negotiated, less MPPE: tun MTU */
};

/* IMSG_SESS_NET */
struct sess_net {
	struct in_addr		 local;
	struct in_addr		 peer;
	struct in_addr		 dns[2];
	struct in_addr		 nbns[2];
	char			 ifname[IFNAMSIZ];
	int			 mtu;
};

/* IMSG_SESS_STATE */
enum sess_phase {
	SESS_PHASE_START,		/* waiting for the peer */
	SESS_PHASE_ESTABLISH,		/* link control */
	SESS_PHASE_AUTH,
	SESS_PHASE_NETWORK,
	SESS_PHASE_RUNNING,
	SESS_PHASE_CLOSING,
};

/* The user name is not here: the parent takes it from auth's verdict. */
struct sess_state {
	int		 phase;		/* enum sess_phase */
	uint64_t	 ibytes, obytes, ipackets, opackets;
};

/* IMSG_SESS_TERMINATE */
struct sess_terminate {
	char		 reason[CTL_MSG_MAX];
	int		 peer_gone;	/* it said goodbye: no PPP goodbye */
};

/*
 * IMSG_DISC_CONF starts a new set of PPPoE interfaces (at start and on
 * every reload); IMSG_DISC_IFACE adds one with its discovery socket and
 * IMSG_DISC_CONF_END replaces the running set with it.
 */
#define DISC_SERVICE_MAX	8
#define DISC_SERVICE_LEN	64

struct disc_conf {
	uint32_t	 max_sessions;		/* daemon-wide */
};

struct disc_iface {
	uint32_t	 ifindex;
	char		 ifname[IFNAMSIZ];
	uint8_t		 mac[6];
	int		 mtu;			/* of the Ethernet interface */
	char		 ac_name[64];
	char		 services[DISC_SERVICE_MAX][DISC_SERVICE_LEN];
	int		 nservices;
	int		 any_service;		/* an empty Service-Name is ok */
	int		 max_per_mac;		/* sessions, 0: no limit */
	int		 padi_limit;		/* PADIs per second, 0: none */
	int		 padi_limit_per_mac;
};

/* IMSG_DISC_SESSION_REQ: a PADR with our cookie; peerid names it. */
struct disc_session_req {
	uint32_t	 ifindex;
	uint8_t		 peer_mac[6];
	char		 service[DISC_SERVICE_LEN];
	int		 max_payload;		/* agreed by RFC 4638, or 1492 */
};

/* IMSG_DISC_SESSION: the parent's answer. */
enum disc_refusal {
	DISC_OK,
	DISC_REFUSE_SERVICE,			/* Service-Name-Error */
	DISC_REFUSE_SYSTEM,			/* AC-System-Error */
	DISC_REFUSE_GENERIC,			/* Generic-Error */
};

struct disc_session {
	int		 refusal;		/* enum disc_refusal */
	uint16_t	 session_id;		/* DISC_OK */
	uint32_t	 id;			/* the parent's session id */
	char		 reason[64];		/* the error tag's text */
};

/*
 * IMSG_DISC_SESSION_UP, IMSG_DISC_SESSION_END: a session of this MAC
 * runs, or ended (then PADT to the peer, unless it sent one).
 */
struct disc_sess {
	uint32_t	 ifindex;
	uint8_t		 peer_mac[6];
	uint16_t	 session_id;
	int		 send_padt;
};

/* IMSG_DISC_PADT: the peer ended a session. */
struct disc_padt {
	uint32_t	 ifindex;
	uint8_t		 peer_mac[6];
	uint16_t	 session_id;
};

#endif /* PPPOXD_H */
