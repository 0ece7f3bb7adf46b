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
	/* auth -> parent */
	IMSG_AUTH_STATUS,		/* struct auth_status */

	/* parent -> session */
	IMSG_SESS_INIT,			/* fd: the connection; struct sess_init */
	IMSG_SESS_TERMINATE,		/* struct sess_terminate */
	/* session -> parent */
	IMSG_SESS_STATE,		/* struct sess_state */

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
};

struct ctl_result {
	int		 error;		/* 0: success */
	char		 msg[CTL_MSG_MAX];
};

/* IMSG_AUTH_SECRETS */
struct auth_secrets {
	char		 server_name[64];	/* second column to match */
	char		 path[256];		/* for messages only */
};

/* IMSG_AUTH_STATUS */
struct auth_status {
	uint32_t	 entries;
	uint32_t	 errors;
};

/* IMSG_SESS_INIT */
enum sess_proto {
	SESS_PROTO_PPTP,
	SESS_PROTO_PPPOE,
};

struct sess_init {
	uint32_t		 id;
	int			 proto;		/* enum sess_proto */
	struct sockaddr_storage	 peer;
	struct sockaddr_storage	 local;
	int			 ctrl_timeout;	/* seconds to first message */
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

struct sess_state {
	int		 phase;		/* enum sess_phase */
	char		 user[PPP_NAME_MAX];
	uint64_t	 ibytes, obytes, ipackets, opackets;
};

/* IMSG_SESS_TERMINATE */
struct sess_terminate {
	char		 reason[CTL_MSG_MAX];
};

#endif /* PPPOXD_H */
