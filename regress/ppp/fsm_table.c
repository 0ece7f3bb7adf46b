/*
 * fsm_table: drive session/fsm.c through the RFC 1661 section 4.1 state
 * transition table.  The table below is the RFC's, typed in as printed;
 * for every state each event is triggered through the public interface
 * (calls, packets, the restart timer) and the resulting state, the
 * packets sent, the This-Layer callbacks and the restart counter are
 * compared with the cell.
 *
 * Cells the engine makes unreachable on purpose are checked for that
 * instead: a second Ack or Nak for an already answered request is
 * dropped (pppd's rule), so the "x" cells of Ack-Rcvd and Opened show
 * no change; TO+/TO- cannot happen where no timer runs, which is checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "harness.h"
#include "log.h"
#include "ppp.h"
#include "test.h"

#define TP_PROTO	0x80ab	/* a made-up control protocol */
#define TP_OPT_VAL	1	/* one octet, acceptable up to 100 */

/* RFC 1661 4.1, rows are events, columns states 0-9. */
static const char *const rfc_table[FSM_NEVENTS][FSM_NSTATES] = {
 /* Up */   { "2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-" },
 /* Down */ { "-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1" },
 /* Open */ { "tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8",
	      "9r" },
 /* Close */{ "0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4",
	      "irc,str/4", "tld,irc,str/4" },
 /* TO+ */  { "-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6",
	      "scr/8", "-" },
 /* TO- */  { "-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p",
	      "tlf/3p", "-" },
 /* RCR+ */ { "-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8",
	      "sca,tlu/9", "sca/8", "tld,scr,sca/8" },
 /* RCR- */ { "-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6",
	      "scn/7", "scn/6", "tld,scr,scn/6" },
 /* RCA */  { "-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x",
	      "irc,tlu/9", "tld,scr/6x" },
 /* RCN */  { "-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x",
	      "irc,scr/8", "tld,scr/6x" },
 /* RTR */  { "-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6",
	      "sta/6", "sta/6", "tld,zrc,sta/5" },
 /* RTA */  { "-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8",
	      "tld,scr/6" },
 /* RUC */  { "-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6",
	      "scj/7", "scj/8", "scj/9" },
 /* RXJ+ */ { "-", "-", "2", "3", "4", "5", "6", "6", "8", "9" },
 /* RXJ- */ { "-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3",
	      "tlf/3", "tlf/3", "tld,irc,str/5" },
 /* RXR */  { "-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9" },
};

struct tp {
	int		 tlu, tld, tls, tlf;
};

static struct h_side	 side;
static struct fsm	 fsm;
static struct tp	 tp;

static int	 tp_val_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 tp_val_add(struct fsm *, struct wire_writer *);
static void	 tp_up(struct fsm *);
static void	 tp_down(struct fsm *);
static void	 tp_started(struct fsm *);
static void	 tp_finished(struct fsm *);
static void	 tp_rxr(struct fsm *, uint8_t, uint8_t, struct wire_reader *);

static const struct fsm_opt tp_opts[] = {
	{ TP_OPT_VAL, 3, 3, "VAL", tp_val_req, NULL, NULL, tp_val_add },
};

static const struct fsm_callbacks tp_cb = {
	.name = "TP",
	.proto = TP_PROTO,
	.opts = tp_opts,
	.nopts = 1,
	.up = tp_up,
	.down = tp_down,
	.started = tp_started,
	.finished = tp_finished,
	.rxr = tp_rxr,
};

static void	 input(uint8_t, uint8_t, const uint8_t *, size_t);
static void	 fire_timer(int);
static void	 ev_rcr(int);
static void	 ev_rca(void);
static void	 ev_rcn(void);
static void	 reach(enum fsm_state);
static int	 trigger(enum fsm_event);
static int	 has_action(const char *, const char *);
static int	 expected_codes(const char *, uint8_t *);
static void	 check_cell(enum fsm_state, enum fsm_event);
static void	 case_table(void);
static void	 case_max_configure(void);
static void	 case_max_terminate(void);
static void	 case_max_failure(void);
static void	 case_identifiers(void);
static void	 case_random_ids(void);

static int
tp_val_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	uint8_t	 v = 0;

	(void)f;
	wire_get_u8(r, &v);
	if (v <= 100)
		return (FSM_ACK);
	wire_put_u8(nak, 100);
	return (FSM_NAK);
}

static int
tp_val_add(struct fsm *f, struct wire_writer *w)
{
	(void)f;
	wire_put_u8(w, 7);
	return (1);
}

static void
tp_up(struct fsm *f)
{
	(void)f;
	tp.tlu++;
}

static void
tp_down(struct fsm *f)
{
	(void)f;
	tp.tld++;
}

static void
tp_started(struct fsm *f)
{
	(void)f;
	tp.tls++;
}

static void
tp_finished(struct fsm *f)
{
	(void)f;
	tp.tlf++;
}

/* The ser action: answer an Echo-Request as LCP would. */
static void
tp_rxr(struct fsm *f, uint8_t code, uint8_t id, struct wire_reader *r)
{
	if (code == CP_ECHOREQ)
		fsm_send(f, CP_ECHOREP, id, r->p, wire_left(r));
}

static void
input(uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	uint8_t			 buf[64];
	struct wire_reader	 r;

	buf[0] = code;
	buf[1] = id;
	buf[2] = (len + 4) >> 8;
	buf[3] = (len + 4) & 0xff;
	if (len > 0)
		memcpy(buf + 4, data, len);
	wire_reader_init(&r, buf, len + 4);
	fsm_input(&fsm, &r);
}

static void
fire_timer(int minus)
{
	if (minus)
		fsm.restart = 0;
	h_advance(&side);
}

static void
ev_rcr(int good)
{
	const uint8_t	 ok[] = { TP_OPT_VAL, 3, 5 };
	const uint8_t	 bad[] = { TP_OPT_VAL, 3, 200 };

	input(CP_CONFREQ, 0x42, good ? ok : bad, 3);
}

static void
ev_rca(void)
{
	input(CP_CONFACK, fsm.reqid, fsm.req, fsm.reqlen);
}

static void
ev_rcn(void)
{
	const uint8_t	 nak[] = { TP_OPT_VAL, 3, 50 };

	input(CP_CONFNAK, fsm.reqid, nak, sizeof(nak));
}

/* Bring a fresh automaton into state s by legal means. */
static void
reach(enum fsm_state s)
{
	switch (s) {
	case FSM_INITIAL:
		break;
	case FSM_STARTING:
		fsm_open(&fsm);
		break;
	case FSM_CLOSED:
		/* Through Closing, so that a request is still unanswered. */
		fsm_up(&fsm);
		fsm_open(&fsm);
		fsm_close(&fsm, "test");
		input(CP_TERMACK, fsm.termid, NULL, 0);
		break;
	case FSM_STOPPED:
		fsm_up(&fsm);
		fsm_open(&fsm);
		fire_timer(1);
		break;
	case FSM_CLOSING:
		fsm_up(&fsm);
		fsm_open(&fsm);
		fsm_close(&fsm, "test");
		break;
	case FSM_STOPPING:
		fsm_up(&fsm);
		fsm_open(&fsm);
		fsm_close(&fsm, "test");
		fsm_open(&fsm);
		break;
	case FSM_REQSENT:
		fsm_up(&fsm);
		fsm_open(&fsm);
		break;
	case FSM_ACKRCVD:
		fsm_up(&fsm);
		fsm_open(&fsm);
		ev_rca();
		break;
	case FSM_ACKSENT:
		fsm_up(&fsm);
		fsm_open(&fsm);
		ev_rcr(1);
		break;
	case FSM_OPENED:
		fsm_up(&fsm);
		fsm_open(&fsm);
		ev_rca();
		ev_rcr(1);
		break;
	default:
		break;
	}
}

/* Trigger an event; 0 if it cannot be triggered from here. */
static int
trigger(enum fsm_event e)
{
	const uint8_t	 bye[] = { 'b', 'y', 'e' };
	const uint8_t	 unknown[] = { 0x20, 0x01, 0x00, 0x04 };
	const uint8_t	 rej_echo[] = { CP_ECHOREQ, 0x05, 0x00, 0x08,
			    0, 0, 0, 0 };
	const uint8_t	 rej_confreq[] = { CP_CONFREQ, 0x05, 0x00, 0x04 };
	const uint8_t	 magic[] = { 0, 0, 0, 0, 'h', 'i' };

	switch (e) {
	case FSM_UP:
		fsm_up(&fsm);
		break;
	case FSM_DOWN:
		fsm_down(&fsm);
		break;
	case FSM_OPEN:
		fsm_open(&fsm);
		break;
	case FSM_CLOSE:
		fsm_close(&fsm, "bye");
		break;
	case FSM_TO_PLUS:
	case FSM_TO_MINUS:
		if (!ppp_timer_pending(&fsm.timer))
			return (0);
		if (e == FSM_TO_PLUS && fsm.restart <= 0)
			return (0);
		fire_timer(e == FSM_TO_MINUS);
		break;
	case FSM_RCR_PLUS:
	case FSM_RCR_MINUS:
		ev_rcr(e == FSM_RCR_PLUS);
		break;
	case FSM_RCA:
		ev_rca();
		break;
	case FSM_RCN:
		ev_rcn();
		break;
	case FSM_RTR:
		input(CP_TERMREQ, 0x43, bye, sizeof(bye));
		break;
	case FSM_RTA:
		input(CP_TERMACK, fsm.termid, NULL, 0);
		break;
	case FSM_RUC:
		input(0x20, 0x44, unknown, sizeof(unknown));
		break;
	case FSM_RXJ_PLUS:
		input(CP_CODEREJ, 0x45, rej_echo, sizeof(rej_echo));
		break;
	case FSM_RXJ_MINUS:
		input(CP_CODEREJ, 0x46, rej_confreq, sizeof(rej_confreq));
		break;
	case FSM_RXR:
		input(CP_ECHOREQ, 0x47, magic, sizeof(magic));
		break;
	default:
		return (0);
	}
	return (1);
}

static int
has_action(const char *cell, const char *act)
{
	const char	*p = cell;
	size_t		 n = strlen(act);

	while ((p = strstr(p, act)) != NULL) {
		if ((p == cell || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '/'))
			return (1);
		p += n;
	}
	return (0);
}

/* The packet codes a cell sends, in the order the RFC lists them. */
static int
expected_codes(const char *cell, uint8_t *codes)
{
	static const struct {
		const char	*act;
		uint8_t		 code;
	} map[] = {
		{ "scr", CP_CONFREQ }, { "sca", CP_CONFACK },
		{ "scn", CP_CONFNAK }, { "str", CP_TERMREQ },
		{ "sta", CP_TERMACK }, { "scj", CP_CODEREJ },
		{ "ser", CP_ECHOREP },
	};
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (has_action(cell, map[i].act))
			codes[n++] = map[i].code;
	return (n);
}

static void
check_cell(enum fsm_state s, enum fsm_event e)
{
	const char	*cell = rfc_table[e][s];
	const char	*slash;
	uint8_t		 codes[8];
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct ppp_params	 conf;
	int		 n, i, next, ok = 1, dup, want;

	h_conf(&conf);
	conf.max_configure = 4;
	conf.max_terminate = 3;
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&fsm, side.ppp, &tp_cb, &tp);
	reach(s);
	if (fsm.state != s) {
		fprintf(stderr, "cannot reach %s\n", fsm_state_name(s));
		CHECK(fsm.state == s);
		h_free(&side);
		return;
	}
	memset(&tp, 0, sizeof(tp));
	h_clear(&side);
	/* A second answer to an answered request is dropped (pppd). */
	dup = (e == FSM_RCA || e == FSM_RCN) && fsm.reply_seen;

	if (!trigger(e)) {
		/* Only where no timer runs, i.e. where the RFC says "-". */
		if (strcmp(cell, "-") != 0) {
			fprintf(stderr, "%s in %s: cannot trigger \"%s\"\n",
			    fsm_event_name(e), fsm_state_name(s), cell);
			ok = 0;
		}
		CHECK(ok);
		h_free(&side);
		return;
	}

	if (strcmp(cell, "-") == 0 || dup) {
		next = s;
		n = 0;
		cell = "";
	} else {
		slash = strchr(cell, '/');
		next = slash != NULL ? atoi(slash + 1) : atoi(cell);
		n = expected_codes(cell, codes);
	}

	if ((int)fsm.state != next) {
		fprintf(stderr, "%s in %s: state %s, RFC says %s\n",
		    fsm_event_name(e), fsm_state_name(s),
		    fsm_state_name(fsm.state), rfc_table[e][s]);
		ok = 0;
	}
	for (i = 0; i < n; i++) {
		if (h_pop_cp(&side, &cp, &fr) == -1 || cp.proto != TP_PROTO ||
		    cp.code != codes[i]) {
			fprintf(stderr, "%s in %s: packet %d is not %s\n",
			    fsm_event_name(e), fsm_state_name(s), i,
			    fsm_code_name(codes[i]));
			ok = 0;
		}
	}
	if (side.nout != 0) {
		fprintf(stderr, "%s in %s: %d packets more than \"%s\"\n",
		    fsm_event_name(e), fsm_state_name(s), side.nout,
		    rfc_table[e][s]);
		ok = 0;
	}
	if (tp.tlu != has_action(cell, "tlu") ||
	    tp.tld != has_action(cell, "tld") ||
	    tp.tls != has_action(cell, "tls") ||
	    tp.tlf != has_action(cell, "tlf")) {
		fprintf(stderr, "%s in %s: callbacks tlu %d tld %d tls %d "
		    "tlf %d, RFC says \"%s\"\n", fsm_event_name(e),
		    fsm_state_name(s), tp.tlu, tp.tld, tp.tls, tp.tlf,
		    rfc_table[e][s]);
		ok = 0;
	}
	/* The restart counter after irc / zrc. */
	want = fsm.restart;
	if (has_action(cell, "zrc"))
		want = 0;
	else if (has_action(cell, "irc") && has_action(cell, "scr"))
		want = conf.max_configure - 1;
	else if (has_action(cell, "irc") && has_action(cell, "str"))
		want = conf.max_terminate - 1;
	else if (has_action(cell, "irc"))
		want = conf.max_configure;
	if (fsm.restart != want) {
		fprintf(stderr, "%s in %s: restart counter %d, not %d\n",
		    fsm_event_name(e), fsm_state_name(s), fsm.restart, want);
		ok = 0;
	}
	/* The restart timer runs exactly in the five waiting states. */
	if (ppp_timer_pending(&fsm.timer) != (fsm.state == FSM_CLOSING ||
	    fsm.state == FSM_STOPPING || fsm.state == FSM_REQSENT ||
	    fsm.state == FSM_ACKRCVD || fsm.state == FSM_ACKSENT)) {
		fprintf(stderr, "%s in %s: restart timer %s in %s\n",
		    fsm_event_name(e), fsm_state_name(s),
		    ppp_timer_pending(&fsm.timer) ? "running" : "stopped",
		    fsm_state_name(fsm.state));
		ok = 0;
	}
	CHECK(ok);
	h_free(&side);
}

static void
case_table(void)
{
	int	 s, e;

	for (s = 0; s < FSM_NSTATES; s++)
		for (e = 0; e < FSM_NEVENTS; e++)
			check_cell(s, e);
}

/* Max-Configure: that many requests, then This-Layer-Finished. */
static void
case_max_configure(void)
{
	struct ppp_params	 conf;
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 sent = 0, steps;

	h_conf(&conf);
	conf.max_configure = 5;
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&fsm, side.ppp, &tp_cb, &tp);
	memset(&tp, 0, sizeof(tp));
	fsm_open(&fsm);
	fsm_up(&fsm);
	for (steps = 0; steps < 50 && fsm.state != FSM_STOPPED; steps++) {
		while (h_pop_cp(&side, &cp, &fr) == 0)
			if (cp.code == CP_CONFREQ)
				sent++;
		h_advance(&side);
	}
	CHECK(fsm.state == FSM_STOPPED);
	CHECK(sent == 5);
	CHECK(tp.tlf == 1);
	CHECK(strstr(fsm.reason, "no answer") != NULL);
	h_free(&side);
}

/* Max-Terminate: that many Terminate-Requests, then Closed. */
static void
case_max_terminate(void)
{
	struct ppp_params	 conf;
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 sent = 0, steps;

	h_conf(&conf);
	conf.max_terminate = 3;
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&fsm, side.ppp, &tp_cb, &tp);
	fsm_up(&fsm);
	fsm_open(&fsm);
	fsm_close(&fsm, "admin");
	for (steps = 0; steps < 50 && fsm.state != FSM_CLOSED; steps++) {
		while (h_pop_cp(&side, &cp, &fr) == 0)
			if (cp.code == CP_TERMREQ) {
				sent++;
				CHECK(cp.datalen == 5 &&
				    memcmp(cp.data, "admin", 5) == 0);
			}
		h_advance(&side);
	}
	CHECK(fsm.state == FSM_CLOSED);
	CHECK(sent == 3);
	h_free(&side);
}

/* Max-Failure: after that many Naks, the same option is Rejected. */
static void
case_max_failure(void)
{
	struct ppp_params	 conf;
	struct h_frame	 fr;
	struct h_cp	 cp;
	const uint8_t	 bad[] = { TP_OPT_VAL, 3, 200 };
	int		 i;

	h_conf(&conf);
	conf.max_failure = 3;
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&fsm, side.ppp, &tp_cb, &tp);
	fsm_up(&fsm);
	fsm_open(&fsm);
	h_clear(&side);
	for (i = 0; i < 5; i++) {
		input(CP_CONFREQ, 0x10 + i, bad, sizeof(bad));
		CHECK(h_pop_cp(&side, &cp, &fr) == 0);
		CHECK(cp.id == 0x10 + i);
		CHECK(cp.code == (i < 3 ? CP_CONFNAK : CP_CONFREJ));
		if (cp.code == CP_CONFREJ)
			CHECK(cp.datalen == 3 && memcmp(cp.data, bad, 3) == 0);
		else
			CHECK(cp.datalen == 3 && cp.data[2] == 100);
	}
	h_free(&side);
}

/* Identifiers: an Ack or Nak must answer our outstanding request. */
static void
case_identifiers(void)
{
	struct ppp_params	 conf;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 other[] = { TP_OPT_VAL, 3, 8 };

	h_conf(&conf);
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&fsm, side.ppp, &tp_cb, &tp);
	fsm_up(&fsm);
	fsm_open(&fsm);
	CHECK(h_pop_cp(&side, &cp, &fr) == 0 && cp.code == CP_CONFREQ);
	CHECK(cp.id == fsm.reqid);
	/* Wrong identifier. */
	input(CP_CONFACK, fsm.reqid + 1, fsm.req, fsm.reqlen);
	CHECK(fsm.state == FSM_REQSENT);
	input(CP_CONFNAK, fsm.reqid - 1, other, sizeof(other));
	CHECK(fsm.state == FSM_REQSENT && side.nout == 0);
	/* Right identifier, options that are not ours. */
	input(CP_CONFACK, fsm.reqid, other, sizeof(other));
	CHECK(fsm.state == FSM_REQSENT);
	/* The real Ack, then a duplicate of it. */
	input(CP_CONFACK, fsm.reqid, fsm.req, fsm.reqlen);
	CHECK(fsm.state == FSM_ACKRCVD);
	input(CP_CONFACK, fsm.reqid, fsm.req, fsm.reqlen);
	CHECK(fsm.state == FSM_ACKRCVD && side.nout == 0);
	/* A retransmission takes the same identifier and options. */
	fire_timer(0);
	CHECK(fsm.state == FSM_REQSENT);
	CHECK(h_pop_cp(&side, &cp, &fr) == 0 && cp.code == CP_CONFREQ &&
	    cp.id == fsm.reqid);
	h_free(&side);
}

/* Identifiers start at random (pitfalls B5), not at 0 or 1. */
static void
case_random_ids(void)
{
	struct ppp_params	 conf;
	struct fsm	 g;
	int		 i, differ = 0;

	h_conf(&conf);
	h_init(&side, 1, &conf, 1500, 0);
	fsm_init(&g, side.ppp, &tp_cb, &tp);
	for (i = 0; i < 8; i++) {
		fsm_init(&fsm, side.ppp, &tp_cb, &tp);
		if (fsm.id != g.id)
			differ++;
	}
	CHECK(differ > 0);
	h_free(&side);
}

static const struct test_case cases[] = {
	{ "table", case_table },
	{ "max-configure", case_max_configure },
	{ "max-terminate", case_max_terminate },
	{ "max-failure", case_max_failure },
	{ "identifiers", case_identifiers },
	{ "random-ids", case_random_ids },
};

int
main(int argc, char *argv[])
{
	return (test_main("fsm_table", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}
