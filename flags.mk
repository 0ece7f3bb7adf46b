# Compiler and linker flags shared by the Makefile and regress/.
PKGS	 = libevent libbsd-overlay openssl libcap-ng libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARNINGS = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow -Wpointer-arith -Wcast-qual -Wsign-compare
# Debian's hardening flags (dpkg-buildflags with hardening=+all).
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
	   -fcf-protection -Wformat -Wformat-security -fPIE
INCLUDES = -I$(TOP)/common -I$(TOP)/imsg -I$(TOP)/parent -I$(TOP)/session \
	   -I$(TOP)/auth -I$(TOP)/net
CFLAGS	?= -O2 -g
CFLAGS	+= -D_GNU_SOURCE $(WARNINGS) $(HARDEN) $(INCLUDES) $(PKG_CFLAGS)
LDFLAGS	+= -pie -Wl,-z,relro -Wl,-z,now

