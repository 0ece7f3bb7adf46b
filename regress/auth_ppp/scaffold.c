/*
 * scaffold.c: the link, the hand-played peer and the fake auth process
 * of the auth_ppp cases (see scaffold.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth_ppp.h"
#include "fsm.h"
#include "harness.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "scaffold.h"

struct h_side		 side;
struct auth_ppp		*ap;
struct fake_auth	 fa;

static void	 fake_challenge_req(void *, int);
static void	 fake_request(void *, const struct auth_request *);
static void	 fake_done(void *, int, const char *,
		    const struct auth_result *);

static char	 sc_logbuf[1 << 18];
static FILE	*sc_logfile;
static int	 sc_saved_stderr = -1;

/* What the peer requests: MRU 1400 and a magic, no compression. */
static const uint8_t sc_peer_opts[] = {
	0x01, 0x04, 0x05, 0x78,
	0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
};

static void
fake_challenge_req(void *arg, int method)
{
	struct fake_auth	*f = arg;

	f->chreqs++;
	f->chreq_method = method;
	if (f->sync)
		auth_ppp_challenge(ap, &f->sync_ch);
}

static void
fake_request(void *arg, const struct auth_request *req)
{
	struct fake_auth	*f = arg;

	f->requests++;
	f->req = *req;
	if (f->sync)
		auth_ppp_result(ap, &f->sync_res);
}

static void
fake_done(void *arg, int ok, const char *user, const struct auth_result *res)
{
	struct fake_auth	*f = arg;

	f->dones++;
	f->done_ok = ok;
	strlcpy(f->done_user, user, sizeof(f->done_user));
	f->done_res = res != NULL;
	if (res != NULL)
		f->res = *res;
}

/* A link with one method and the module on it, LCP not started. */
void
sc_init(int method, int max_failures, const char *our_name, int sync)
{
	struct ppp_params	 c;
	struct auth_ppp_cb	 cb;

	h_conf(&c);
	c.auth[0] = method;
	c.nauth = 1;
	h_init(&side, 1, &c, 1500, 0);
	memset(&fa, 0, sizeof(fa));
	fa.sync = sync;
	memset(&cb, 0, sizeof(cb));
	cb.arg = &fa;
	cb.challenge_req = fake_challenge_req;
	cb.request = fake_request;
	cb.done = fake_done;
	if ((ap = auth_ppp_new(side.ppp, &cb, our_name, max_failures)) ==
	    NULL) {
		fprintf(stderr, "auth_ppp_new failed\n");
		exit(2);
	}
}

/* The same, brought to the Authenticate phase; 0 if it was not. */
int
sc_start(int method, int max_failures, const char *our_name, int sync)
{
	sc_init(method, max_failures, our_name, sync);
	if (!sc_lcp_open())
		return (0);
	if (side.ppp->phase != PPP_PHASE_AUTHENTICATE ||
	    (int)side.ppp->auth != method) {
		fprintf(stderr, "not authenticating with %s\n",
		    ppp_auth_name(method));
		return (0);
	}
	return (1);
}

/* Our Configure-Request goes out, the peer's is Acked, ours is Acked. */
int
sc_lcp_open(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp = side.ppp->lcp;

	ppp_start(side.ppp);
	if (!sc_expect(PPP_LCP, CP_CONFREQ, &cp, &fr))
		return (0);
	h_inject_cp(&side, PPP_LCP, CP_CONFREQ, 1, sc_peer_opts,
	    sizeof(sc_peer_opts));
	if (!sc_expect(PPP_LCP, CP_CONFACK, &cp, &fr))
		return (0);
	h_inject_cp(&side, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	return (lcp_opened(lcp));
}

/* The peer sends a Configure-Request in Opened: LCP starts over. */
int
sc_renegotiate(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	h_inject_cp(&side, PPP_LCP, CP_CONFREQ, 7, sc_peer_opts,
	    sizeof(sc_peer_opts));
	return (sc_expect(PPP_LCP, CP_CONFREQ, &cp, &fr) &&
	    sc_expect(PPP_LCP, CP_CONFACK, &cp, &fr) &&
	    side.ppp->phase == PPP_PHASE_ESTABLISH);
}

/* ...and Acks our new request. */
int
sc_reopen(void)
{
	struct lcp	*lcp = side.ppp->lcp;

	h_inject_cp(&side, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	return (lcp_opened(lcp));
}

void
sc_free(void)
{
	auth_ppp_free(ap);
	ap = NULL;
	h_free(&side);
}

/* The next frame must be a control packet of this protocol and code. */
int
sc_expect(uint16_t proto, uint8_t code, struct h_cp *cp, struct h_frame *fr)
{
	int	 none = side.nout == 0;

	if (h_pop_cp(&side, cp, fr) == -1) {
		fprintf(stderr, "expected 0x%04x code %u, got %s\n", proto,
		    code, none ? "nothing" : "no control packet");
		return (0);
	}
	if (cp->proto != proto || cp->code != code) {
		fprintf(stderr, "expected 0x%04x code %u, got 0x%04x code "
		    "%u\n", proto, code, cp->proto, cp->code);
		return (0);
	}
	return (1);
}

/* Nothing was sent. */
int
sc_quiet(void)
{
	if (side.nout != 0) {
		fprintf(stderr, "unexpected output: %d frames\n", side.nout);
		return (0);
	}
	return (1);
}

void
sc_challenge(const uint8_t *value, size_t len)
{
	struct auth_challenge	 ch;

	memset(&ch, 0, sizeof(ch));
	memcpy(ch.challenge, value, len);
	ch.len = len;
	auth_ppp_challenge(ap, &ch);
}

int
sc_take_challenge(struct h_cp *cp, struct h_frame *fr)
{
	return (sc_expect(PPP_CHAP, CHAP_CHALLENGE, cp, fr));
}

void
sc_result(int ok, int retry, const char *msg)
{
	struct auth_result	 res;

	memset(&res, 0, sizeof(res));
	res.ok = ok;
	res.retry = retry;
	strlcpy(res.message, msg, sizeof(res.message));
	if (ok) {
		res.have_keys = 1;
		memset(res.send_key, 0xaa, sizeof(res.send_key));
		memset(res.recv_key, 0x55, sizeof(res.recv_key));
	}
	auth_ppp_result(ap, &res);
}

/* A CHAP Response: Value of vsize octets (0x11 each), then the name. */
void
sc_response(uint8_t id, size_t vsize, const char *name)
{
	uint8_t	 buf[1024];
	size_t	 n = 0, nl = strlen(name);

	buf[n++] = vsize;
	memset(buf + n, 0x11, vsize);
	n += vsize;
	memcpy(buf + n, name, nl);
	n += nl;
	h_inject_cp(&side, PPP_CHAP, CHAP_RESPONSE, id, buf, n);
}

void
sc_pap(uint8_t id, const char *user, const char *pass)
{
	uint8_t	 buf[600];
	size_t	 n = 0, ul = strlen(user), pl = strlen(pass);

	buf[n++] = ul;
	memcpy(buf + n, user, ul);
	n += ul;
	buf[n++] = pl;
	memcpy(buf + n, pass, pl);
	n += pl;
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, id, buf, n);
}

/*
 * Is the frame exactly FF 03 and this packet, with octet 3 of the
 * packet (its Identifier) replaced by id?
 */
int
sc_frame_is(const struct h_frame *fr, const uint8_t *pkt, size_t len,
    uint8_t id)
{
	if (fr->len != len + 2 || fr->buf[0] != 0xff || fr->buf[1] != 0x03 ||
	    memcmp(fr->buf + 2, pkt, 3) != 0 || fr->buf[5] != id ||
	    memcmp(fr->buf + 6, pkt + 4, len - 4) != 0) {
		fprintf(stderr, "frame differs (%zu octets, wanted %zu)\n",
		    fr->len, len + 2);
		return (0);
	}
	return (1);
}

/* Send the log, debug lines included, to a file until the end call. */
void
sc_capture_start(void)
{
	fflush(stderr);
	if ((sc_logfile = tmpfile()) == NULL ||
	    (sc_saved_stderr = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(sc_logfile), STDERR_FILENO) == -1) {
		perror("capture");
		exit(2);
	}
	log_setverbose(1);
}

const char *
sc_capture_end(void)
{
	size_t	 n;

	fflush(stderr);
	log_setverbose(getenv("PPP_DEBUG") != NULL);
	dup2(sc_saved_stderr, STDERR_FILENO);
	close(sc_saved_stderr);
	rewind(sc_logfile);
	n = fread(sc_logbuf, 1, sizeof(sc_logbuf) - 1, sc_logfile);
	sc_logbuf[n] = '\0';
	fclose(sc_logfile);
	if (getenv("PPP_DEBUG") != NULL)
		fputs(sc_logbuf, stderr);
	return (sc_logbuf);
}

/* Did the captured log say this? */
int
sc_logged(const char *log, const char *what)
{
	if (strstr(log, what) == NULL) {
		fprintf(stderr, "not logged: \"%s\"\n", what);
		return (0);
	}
	return (1);
}
