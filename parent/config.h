/*
 * The parsed form of pppoxd.conf(5).  Only the parent parses the file;
 * children get what they need from it as imsg messages.
 */
#ifndef PPPOXD_CONFIG_H
#define PPPOXD_CONFIG_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <limits.h>
#include <stdio.h>

#define CONF_NAME_MAX		32	/* pool and ppp profile names */
#define CONF_SERVICE_MAX	8	/* PPPoE service names per listener */
#define CONF_SERVICE_LEN	64
#define CONF_DNS_MAX		2
#define CONF_AUTH_MAX		4

/* Defaults of pppoxd.conf(5); the paths are in pppoxd.h. */
#define CONF_MAX_SESSIONS	1000
#define CONF_CTRL_TIMEOUT	10
#define CONF_PPP_DEFAULT	"default"	/* the profile that always exists */
#define CONF_MRU		1400
#define CONF_ECHO_INTERVAL	30
#define CONF_ECHO_FAILURES	3
#define CONF_MAX_AUTH_FAILURES	3
#define CONF_PPTP_PORT		1723
#define CONF_PADI_LIMIT		200	/* PADIs per second, listener */
#define CONF_PADI_LIMIT_PER_MAC	10	/* the same, from one MAC */
#define CONF_AC_NAME_LEN	64

enum conf_proto {
	CONF_PROTO_PPTP,
	CONF_PROTO_PPPOE,
};

enum conf_auth {
	CONF_AUTH_PAP,
	CONF_AUTH_CHAP,			/* CHAP-MD5 */
	CONF_AUTH_MSCHAP,		/* MS-CHAPv1 */
	CONF_AUTH_MSCHAPV2,
};

enum conf_mppe {
	CONF_MPPE_OFF,
	CONF_MPPE_OPTIONAL,
	CONF_MPPE_REQUIRED,
};

#define CONF_MPPE_40		0x01
#define CONF_MPPE_56		0x02
#define CONF_MPPE_128		0x04

/* A range of pool addresses, host byte order, start <= end. */
struct pool_range {
	TAILQ_ENTRY(pool_range)	 entry;
	in_addr_t		 start;
	in_addr_t		 end;
	int			 lineno;
};

struct pool_conf {
	TAILQ_ENTRY(pool_conf)	 entry;
	char			 name[CONF_NAME_MAX];
	struct in_addr		 local;		/* our end of every link */
	TAILQ_HEAD(, pool_range) ranges;
	struct in_addr		 dns[CONF_DNS_MAX];
	int			 ndns;
	struct in_addr		 nbns[CONF_DNS_MAX];
	int			 nnbns;
	int			 lineno;
};

/* PPP settings; listeners refer to a profile by name. */
struct ppp_conf {
	TAILQ_ENTRY(ppp_conf)	 entry;
	char			 name[CONF_NAME_MAX];
	enum conf_auth		 auth[CONF_AUTH_MAX];	/* in offer order */
	int			 nauth;
	enum conf_mppe		 mppe;
	int			 mppe_bits;	/* CONF_MPPE_* mask */
	int			 mppe_stateful;	/* allow stateful mode */
	int			 mru;
	int			 echo_interval;	/* seconds, 0 = off */
	int			 echo_failures;
	int			 idle_timeout;	/* seconds, 0 = none */
	int			 session_timeout;
	int			 max_auth_failures;
	int			 mss_clamp;	/* 0 off, -1 MTU - 40, or MSS */
	int			 lineno;
};

struct listen_conf {
	TAILQ_ENTRY(listen_conf) entry;
	enum conf_proto		 proto;
	/* pptp */
	struct sockaddr_storage	 addr;		/* address and port to bind */
	/* pppoe */
	char			 ifname[IFNAMSIZ];
	char			 services[CONF_SERVICE_MAX][CONF_SERVICE_LEN];
	int			 nservices;
	int			 any_service;	/* empty Service-Name ok */
	char			 ac_name[CONF_AC_NAME_LEN]; /* "": name */
	int			 max_per_mac;	/* sessions; 0: no limit */
	int			 padi_limit;	/* per second; 0: no limit */
	int			 padi_limit_per_mac;
	/* both */
	char			 pool[CONF_NAME_MAX];
	char			 ppp[CONF_NAME_MAX];	/* profile name */
	int			 lineno;
};

struct config {
	char			 path[PATH_MAX];
	char			 user[64];
	char			 chroot[PATH_MAX];
	char			 secrets[PATH_MAX];
	char			 socket[PATH_MAX];
	char			 name[64];	/* our name in chap-secrets */
	int			 strip_domain;	/* enum auth_strip_domain */
	int			 verbose;	/* from "log verbose" */
	int			 max_sessions;
	int			 ctrl_timeout;	/* first-message timeout, s */
	TAILQ_HEAD(, pool_conf)	 pools;
	TAILQ_HEAD(, ppp_conf)	 ppps;
	TAILQ_HEAD(, listen_conf) listeners;
};

/* parse.c */
/* Returns NULL after logging every error as "file:line: message". */
struct config	*parse_config(const char *path);
/* config.c */
struct config	*config_new(void);
struct ppp_conf	*config_ppp_new(const char *);
/* Cross-checks a parsed config; returns the number of errors logged. */
int		 config_check(const struct config *);
void		 config_free(struct config *);
/* Writes the canonical form, which parse_config() reads back equal. */
void		 config_print(FILE *, const struct config *);
struct pool_conf *config_pool(const struct config *, const char *);
struct ppp_conf	*config_ppp(const struct config *, const char *);
const char	*config_proto_name(enum conf_proto);
const char	*config_auth_name(enum conf_auth);
const char	*config_strip_domain_name(int);

#endif /* PPPOXD_CONFIG_H */
