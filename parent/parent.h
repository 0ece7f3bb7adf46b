/*
 * parent.h: state and functions of the privileged parent process.
 * All of the parent's mutable state hangs off the one struct parent
 * below; nothing else is global.
 */
#ifndef PPPOXD_PARENT_H
#define PPPOXD_PARENT_H

#include <sys/queue.h>
#include <sys/tree.h>
#include <event.h>
#include <time.h>

#include "pppoxd.h"
#include "proc.h"
#include "config.h"

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct listen_conf	 conf;		/* copy; pool/ppp follow reload */
	int			 fd;
	struct event		 ev;
	/* PPPoE: the interface as it was when we opened it */
	uint32_t		 ifindex;
	uint8_t			 mac[6];
	int			 mtu;
};
TAILQ_HEAD(listeners, listener);

struct session {
	RB_ENTRY(session)	 entry;
	uint32_t		 id;
	pid_t			 pid;
	int			 proto;		/* enum sess_proto */
	int			 phase;		/* enum sess_phase */
	char			 peer[64];
	char			 user[PPP_NAME_MAX];
	char			 ifname[IFNAMSIZ];
	struct in_addr		 addr;
	char			 pool[CONF_NAME_MAX];
	time_t			 started;
	uint64_t		 ibytes, obytes, ipackets, opackets;
	struct imsgev		 iev;
	struct event		 killtimer;	/* after a terminate request */
	int			 terminating;
	struct sockaddr_storage	 peer_ss;
	struct sockaddr_storage	 local_ss;
	/* what the child has been granted; each only once, in order */
	int			 gre_given;
	int			 authenticated;
	int			 net_given;
	/* a request that overtook auth's verdict (separate channels) */
	int			 net_pending;
	struct sess_net_req	 net_req;
	int			 addr_policy;	/* enum auth_addr */
	struct in_addr		 fixed;
	uint16_t		 call_id;	/* PPTP: ours, for GRE; PPPoE:
						   the session id */
	/* its child has not reported yet: still starting */
	int			 starting;
	/* waiting for a child (pid -1): its connection and first message */
	TAILQ_ENTRY(session)	 qentry;
	int			 qfd;
	struct sess_init	*qinit;
	/* PPPoE */
	uint32_t		 ifindex;
	uint8_t			 peer_mac[6];
	int			 padt_received;	/* the peer said goodbye */
};
RB_HEAD(session_tree, session);

struct parent {
	struct config		*conf;
	int			 debug;
	int			 verbose;
	int			 stopping;	/* shutting down */
	time_t			 started;
	time_t			 reloaded;
	struct listeners	 listeners;
	struct session_tree	 sessions;
	uint32_t		 nsessions;
	uint32_t		 next_id;
	/*
	 * A session child started ahead of its connection, so that a peer
	 * does not wait for exec and the child's set-up (loading OpenSSL
	 * is most of it); -1 if none.
	 */
	pid_t			 idle_pid;
	int			 idle_chan;
	struct event		 idle_ev;	/* start the next one */
	/*
	 * Children exec'd that have not reported yet (the idle one
	 * included), at most one per CPU: a burst of connections is
	 * served one child start after another instead of all starts
	 * sharing the CPUs and all finishing late.  The rest wait here.
	 */
	int			 nstarting;
	int			 starting_max;
	TAILQ_HEAD(, session)	 startq;
	uint16_t		 next_call_id;
	/* auth process */
	pid_t			 auth_pid;
	struct imsgev		 auth_iev;
	struct auth_status	 auth_status;
	struct proc_restarts	 auth_restarts;
	/* PPPoE discovery process */
	pid_t			 disc_pid;
	struct imsgev		 disc_iev;
	struct proc_restarts	 disc_restarts;
	struct disc_stats	 disc_stats;
	uint32_t		 disc_next_req;
	/* address pools and session interfaces */
	TAILQ_HEAD(, parent_pool) pools;
	struct nl		*nl;
	/* control socket */
	int			 ctl_fd;
	struct event		 ctl_ev;
};

/* The parent's single state object, set up in main(). */
extern struct parent	*parent;

/* pppoxd.c */
int		 parent_reload(char *, size_t);
/* listener.c */
int		 listeners_apply(struct config *);
void		 listeners_close(void);
int		 listeners_count(void);
const struct listener *listeners_pppoe(uint32_t ifindex);
/* sessions.c */
void		 sessions_init(void);
void		 sessions_idle_reset(void);
int		 sessions_spawn(const struct listener *, int fd,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
void		 sessions_reap(pid_t, int status);
struct session	*sessions_find(uint32_t);
int		 sessions_terminate(struct session *, const char *);
void		 sessions_terminate_all(void);
void		 sessions_verdict(const struct auth_verdict *);
struct session	*sessions_first(void);
struct session	*sessions_next(struct session *);
int		 sessions_spawn_pppoe(const struct listener *,
		    const struct disc_session_req *, struct disc_session *);
void		 sessions_padt(const struct disc_padt *);
/* disc_proc.c */
int		 disc_proc_apply(void);
int		 disc_proc_reap(pid_t, int status);
void		 disc_proc_session_end(const struct session *);
void		 disc_proc_shutdown(void);
/* auth_proc.c */
void		 auth_proc_start(void);
int		 auth_proc_send_secrets(void);
int		 auth_proc_reap(pid_t, int status);
void		 auth_proc_status_req(uint32_t ctlid);
int		 auth_proc_new_session(struct session *);
/* ratelimit.c */
int		 ratelimit_allow(const struct sockaddr_storage *);
/* network.c */
int		 network_init(void);
int		 network_apply(struct config *);
int		 network_setup(struct session *, const struct sess_net_req *,
		    struct sess_net *);
void		 network_release(struct session *);
/* control.c */
int		 control_init(const char *path);
void		 control_cleanup(const char *path);
void		 control_auth_status(uint32_t ctlid);

#endif /* PPPOXD_PARENT_H */
