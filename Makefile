# pppoxd: a plain GNU Makefile (no autotools).  Every process is the same
# pppoxd binary, re-exec'd with a role flag; pppoxctl is separate.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
CONFDIR	?= /etc/pppoxd
CHROOT	?= /var/lib/pppoxd

TOP	 = .
include flags.mk

OBJDIR	 = obj
LIB_SRCS = $(wildcard common/*.c imsg/*.c)
DAEMON_SRCS = $(wildcard parent/*.c session/*.c auth/*.c net/*.c) $(LIB_SRCS)
CTL_SRCS = $(wildcard ctl/*.c) $(LIB_SRCS)

DAEMON_OBJS = $(DAEMON_SRCS:%.c=$(OBJDIR)/%.o)
CTL_OBJS = $(CTL_SRCS:%.c=$(OBJDIR)/%.o)

all: pppoxd pppoxctl

pppoxd: $(DAEMON_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(DAEMON_OBJS) $(PKG_LIBS)

pppoxctl: $(CTL_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(CTL_OBJS) $(PKG_LIBS)

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(DAEMON_OBJS:.o=.d) $(CTL_OBJS:.o=.d)

# Packages a fresh Debian 12 needs to build and test; installed only when
# missing so that a prepared machine makes no network access.
DEPS	 = build-essential pkg-config libevent-dev libbsd-dev libssl-dev \
	   libcap-ng-dev libseccomp-dev mandoc iproute2 clang \
	   libclang-rt-14-dev procps psmisc python3 tcpdump
deps:
	@sh regress/lib/ensure-packages $(DEPS)

test: deps
	$(MAKE) all
	$(MAKE) --no-print-directory -C regress run

demo: deps
	$(MAKE) all
	python3 regress/demo.py

# pppoxd beside pptpd + pppd (PPTP) and pppoe-server + pppd (PPPoE), each
# server in a UML of its own; not part of test.
bench: deps
	$(MAKE) all
	python3 regress/bench.py

# Every libFuzzer target for a minute; make test runs each for seconds.
fuzz: deps
	$(MAKE) -C fuzz fuzz

manlint:
	mandoc -Tlint -Wwarning man/*.[58]

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(CONFDIR)
	install -m 0755 pppoxd pppoxctl $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/pppoxd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/pppoxd.8 man/pppoxctl.8 $(DESTDIR)$(MANDIR)/man8/
	test -e $(DESTDIR)$(CONFDIR)/pppoxd.conf || \
	    install -m 0600 etc/pppoxd.conf $(DESTDIR)$(CONFDIR)/pppoxd.conf
	install -d -m 0755 -o root -g root $(DESTDIR)$(CHROOT)
	getent passwd _pppoxd >/dev/null || \
	    useradd --system --no-create-home --home-dir $(CHROOT) \
	    --shell /usr/sbin/nologin _pppoxd

clean:
	rm -rf $(OBJDIR) pppoxd pppoxctl
	$(MAKE) -C regress clean

.PHONY: all deps test demo bench fuzz manlint install clean
