/*
 * proc.h: processes and the imsg channels between them.
 * A channel is an imsgbuf driven by a libevent event; spawning is
 * fork+exec of our own binary with the channel on PPPOXD_IMSG_FD.
 */
#ifndef PPPOXD_PROC_H
#define PPPOXD_PROC_H

#include <sys/types.h>
#include <event.h>
#include <time.h>

#include "imsg.h"

struct imsgev {
	struct imsgbuf	 ibuf;
	struct event	 ev;
	void		(*handler)(int, short, void *);
	void		*data;
	short		 events;
	int		 dead;		/* peer gone or broke the protocol */
};

/*
 * A helper process the parent restarts when it dies (auth, discovery),
 * unless it died PROC_RESTART_MAX times within PROC_RESTART_WINDOW s.
 */
#define PROC_RESTART_MAX	5
#define PROC_RESTART_WINDOW	60

struct proc_restarts {
	time_t		 at[PROC_RESTART_MAX];	/* newest first */
};

/* proc.c */
const char	*proc_name(int);
void		 proc_self_init(void);
int		 proc_self_fd(void);
pid_t		 proc_exec(const char *role, const char *user,
		    const char *chroot_dir, int debug, int verbose, int *chanfd);
void		 imsgev_init(struct imsgev *, int fd,
		    void (*)(int, short, void *), void *);
void		 imsgev_add(struct imsgev *);
void		 imsgev_clear(struct imsgev *);
int		 imsgev_compose(struct imsgev *, uint32_t type, uint32_t peerid,
		    int fd, const void *, size_t);
int		 imsgev_io(struct imsgev *, short event);
int		 imsgev_get(struct imsgev *, struct imsg *);
const char	*imsg_type_name(uint32_t);
void		 proc_log_exit(const char *, pid_t, int status);
int		 proc_restart_ok(struct proc_restarts *, time_t now);

/* sandbox.c */
enum sandbox_role {
	SANDBOX_AUTH,
	SANDBOX_SESSION,
	SANDBOX_DISCOVERY,
};
void		 sandbox_demote(enum sandbox_role, const char *user,
		    const char *chroot_dir, const char *title);
void		 sandbox_parent_caps(void);

/* seccomp.c */
void		 seccomp_enter(enum sandbox_role);

#endif /* PPPOXD_PROC_H */
