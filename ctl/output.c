/*
 * output.c: pppoxctl's printing.  Rows are formatted into a memory stream
 * and printed once the final result arrives, so a failed request never
 * leaves half a table or half a JSON document on stdout.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pppoxd.h"
#include "ctl.h"

static FILE	*body;
static char	*bodybuf;
static size_t	 bodylen;

static void	 json_string(FILE *, const char *);
static void	 fmt_duration(char *, size_t, int64_t);

void
ctl_wait_readable(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	/* The daemon answers at once; 30 s means it is wedged. */
	if (poll(&pfd, 1, 30 * 1000) == 0)
		errx(1, "no answer from pppoxd within 30 seconds");
}

/* JSON string with the escapes RFC 8259 requires. */
static void
json_string(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
fmt_duration(char *buf, size_t len, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	snprintf(buf, len, "%02" PRId64 ":%02" PRId64 ":%02" PRId64,
	    secs / 3600, (secs / 60) % 60, secs % 60);
}

void
ctl_output_begin(struct ctl_output *out)
{
	(void)out;
	if ((body = open_memstream(&bodybuf, &bodylen)) == NULL)
		err(1, "open_memstream");
}

void
ctl_output_session(struct ctl_output *out, const struct imsg *imsg)
{
	struct ctl_session	 cs;
	char			 addr[INET_ADDRSTRLEN], up[32];
	int64_t			 uptime;

	if (imsg_get_data(imsg, &cs, sizeof(cs)) == -1)
		errx(1, "bad session reply");
	cs.proto[sizeof(cs.proto) - 1] = '\0';
	cs.state[sizeof(cs.state) - 1] = '\0';
	cs.user[sizeof(cs.user) - 1] = '\0';
	cs.peer[sizeof(cs.peer) - 1] = '\0';
	cs.ifname[sizeof(cs.ifname) - 1] = '\0';
	if (cs.addr.s_addr != 0)
		inet_ntop(AF_INET, &cs.addr, addr, sizeof(addr));
	else
		strlcpy(addr, "", sizeof(addr));
	uptime = (int64_t)time(NULL) - cs.started;
	fmt_duration(up, sizeof(up), uptime);

	if (out->json) {
		fprintf(body, "%s{\"id\":%u,\"pid\":%d,\"protocol\":",
		    out->rows > 0 ? "," : "", cs.id, (int)cs.pid);
		json_string(body, cs.proto);
		fprintf(body, ",\"state\":");
		json_string(body, cs.state);
		fprintf(body, ",\"user\":");
		json_string(body, cs.user);
		fprintf(body, ",\"address\":");
		json_string(body, addr);
		fprintf(body, ",\"peer\":");
		json_string(body, cs.peer);
		fprintf(body, ",\"interface\":");
		json_string(body, cs.ifname);
		fprintf(body, ",\"started\":%" PRId64 ",\"uptime\":%" PRId64
		    ",\"rx_bytes\":%" PRIu64 ",\"tx_bytes\":%" PRIu64
		    ",\"rx_packets\":%" PRIu64 ",\"tx_packets\":%" PRIu64 "}",
		    cs.started, uptime, cs.ibytes, cs.obytes, cs.ipackets,
		    cs.opackets);
	} else if (out->what == CTL_OUT_SESSION) {
		fprintf(body, "id:         %u\n", cs.id);
		fprintf(body, "protocol:   %s\n", cs.proto);
		fprintf(body, "state:      %s\n", cs.state);
		fprintf(body, "user:       %s\n", cs.user);
		fprintf(body, "address:    %s\n", addr);
		fprintf(body, "peer:       %s\n", cs.peer);
		fprintf(body, "interface:  %s\n", cs.ifname);
		fprintf(body, "uptime:     %s\n", up);
		fprintf(body, "pid:        %d\n", (int)cs.pid);
		fprintf(body, "rx:         %" PRIu64 " bytes, %" PRIu64
		    " packets\n", cs.ibytes, cs.ipackets);
		fprintf(body, "tx:         %" PRIu64 " bytes, %" PRIu64
		    " packets\n", cs.obytes, cs.opackets);
	} else {
		if (out->rows == 0)
			fprintf(body, "%-6s %-5s %-11s %-16s %-15s %-21s %-9s "
			    "%-9s %12s %12s\n", "ID", "PROTO", "STATE", "USER",
			    "ADDRESS", "PEER", "IFACE", "UPTIME", "RX-BYTES",
			    "TX-BYTES");
		fprintf(body, "%-6u %-5s %-11s %-16s %-15s %-21s %-9s %-9s "
		    "%12" PRIu64 " %12" PRIu64 "\n", cs.id, cs.proto, cs.state,
		    cs.user[0] ? cs.user : "-", addr[0] ? addr : "-", cs.peer,
		    cs.ifname[0] ? cs.ifname : "-", up, cs.ibytes, cs.obytes);
	}
	out->rows++;
}

void
ctl_output_status(struct ctl_output *out, const struct imsg *imsg)
{
	struct ctl_status	 st;
	char			 up[32];
	int64_t			 uptime;

	if (imsg_get_data(imsg, &st, sizeof(st)) == -1)
		errx(1, "bad status reply");
	st.version[sizeof(st.version) - 1] = '\0';
	st.config[sizeof(st.config) - 1] = '\0';
	uptime = (int64_t)time(NULL) - st.started;
	fmt_duration(up, sizeof(up), uptime);
	if (out->json) {
		fprintf(body, "{\"version\":");
		json_string(body, st.version);
		fprintf(body, ",\"pid\":%d,\"started\":%" PRId64 ",\"uptime\":%"
		    PRId64 ",\"reloaded\":%" PRId64 ",\"config\":",
		    (int)st.pid, st.started, uptime, st.reloaded);
		json_string(body, st.config);
		fprintf(body, ",\"sessions\":%u,\"listeners\":%u,\"auth\":{"
		    "\"pid\":%d,\"running\":%s,\"secrets\":%u,"
		    "\"skipped_lines\":%u}", st.sessions, st.listeners,
		    (int)st.auth_pid, st.auth_pid > 0 ? "true" : "false",
		    st.auth_secrets, st.auth_errors);
		fprintf(body, ",\"discovery\":{\"pid\":%d,\"running\":%s,"
		    "\"padi\":%" PRIu64 ",\"pado\":%" PRIu64 ",\"padr\":%"
		    PRIu64 ",\"pads\":%" PRIu64 ",\"padt_in\":%" PRIu64
		    ",\"padt_out\":%" PRIu64 ",\"refused\":%" PRIu64
		    ",\"malformed\":%" PRIu64 ",\"bad_cookie\":%" PRIu64
		    ",\"rate_limited\":%" PRIu64 ",\"over_limit\":%" PRIu64
		    ",\"unknown_service\":%" PRIu64 ",\"unknown_session\":%"
		    PRIu64 "}}", (int)st.disc_pid, st.disc_pid > 0 ? "true" :
		    "false", st.disc.padi, st.disc.pado, st.disc.padr,
		    st.disc.pads, st.disc.padt_in, st.disc.padt_out,
		    st.disc.refused, st.disc.malformed, st.disc.bad_cookie,
		    st.disc.rate_limited, st.disc.over_limit,
		    st.disc.unknown_service, st.disc.unknown_session);
	} else {
		fprintf(body, "pppoxd %s, pid %d, up %s\n", st.version,
		    (int)st.pid, up);
		fprintf(body, "config:     %s%s\n", st.config,
		    st.reloaded ? " (reloaded)" : "");
		fprintf(body, "sessions:   %u\n", st.sessions);
		fprintf(body, "listeners:  %u\n", st.listeners);
		if (st.auth_pid > 0)
			fprintf(body, "auth:       running, pid %d, %u "
			    "secret(s), %u line(s) skipped\n",
			    (int)st.auth_pid, st.auth_secrets, st.auth_errors);
		else
			fprintf(body, "auth:       not running\n");
		if (st.disc_pid > 0) {
			fprintf(body, "discovery:  running, pid %d\n",
			    (int)st.disc_pid);
			fprintf(body, "  PADI %" PRIu64 ", PADO %" PRIu64
			    ", PADR %" PRIu64 ", PADS %" PRIu64 " (%" PRIu64
			    " refusing), PADT in %" PRIu64 " out %" PRIu64 "\n",
			    st.disc.padi, st.disc.pado, st.disc.padr,
			    st.disc.pads, st.disc.refused, st.disc.padt_in,
			    st.disc.padt_out);
			fprintf(body, "  dropped: %" PRIu64 " malformed, %"
			    PRIu64 " bad cookie, %" PRIu64 " over rate, %"
			    PRIu64 " over limits, %" PRIu64 " unknown service, %"
			    PRIu64 " PADT for no session\n", st.disc.malformed,
			    st.disc.bad_cookie, st.disc.rate_limited,
			    st.disc.over_limit, st.disc.unknown_service,
			    st.disc.unknown_session);
		}
	}
	out->rows++;
}

/* Prints everything collected; returns 1 if the request failed. */
int
ctl_output_result(struct ctl_output *out, const struct imsg *imsg)
{
	struct ctl_result	 res;

	if (imsg_get_data(imsg, &res, sizeof(res)) == -1)
		errx(1, "bad result reply");
	res.msg[sizeof(res.msg) - 1] = '\0';
	fclose(body);
	body = NULL;

	if (res.error) {
		if (out->json) {
			printf("{\"ok\":false,\"error\":");
			json_string(stdout, res.msg);
			printf("}\n");
		} else
			fprintf(stderr, "pppoxctl: %s\n", res.msg);
		free(bodybuf);
		return (1);
	}
	if (out->json) {
		switch (out->what) {
		case CTL_OUT_SESSIONS:
			printf("{\"sessions\":[%s]}\n", bodybuf);
			break;
		case CTL_OUT_SESSION:
			printf("{\"session\":%s}\n", bodybuf);
			break;
		case CTL_OUT_STATUS:
			printf("{\"status\":%s}\n", bodybuf);
			break;
		case CTL_OUT_RESULT:
			printf("{\"ok\":true,\"message\":");
			json_string(stdout, res.msg);
			printf("}\n");
			break;
		}
	} else if (out->what == CTL_OUT_RESULT)
		printf("%s\n", res.msg);
	else if (out->what == CTL_OUT_SESSIONS && out->rows == 0)
		printf("no sessions\n");
	else
		fputs(bodybuf, stdout);
	free(bodybuf);
	return (0);
}

void
ctl_output_end(struct ctl_output *out)
{
	(void)out;
	fflush(stdout);
}
