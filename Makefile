# mpd5 for Linux - one non-recursive Makefile.
#
#   make            build build/mpd5
#   make check      install dependencies, build, run every test suite
#   make demo       bring up the demo (see README)
#   make asan       build and run the unit/cli tests under ASan+UBSan
#   make fuzz       build the libFuzzer targets (clang)
#   make install    install to $(PREFIX) (default /usr/local)

PREFIX		?= /usr/local
DESTDIR		?=
SBINDIR		 = $(PREFIX)/sbin
MANDIR		 = $(PREFIX)/share/man
ifeq ($(PREFIX),/usr)
CONFDIR		?= /etc/mpd5
else
CONFDIR		?= $(PREFIX)/etc/mpd5
endif

CC		?= cc
BUILD		?= build
# V=1 shows the full compiler command lines.
ifeq ($(V),1)
Q		 =
else
Q		 = @
endif
WERROR		?= -Werror
OPT		?= -O2 -g
WARNINGS	 = -Wall -Wextra -Wformat=2 -Wmissing-prototypes \
		   -Wstrict-prototypes -Wshadow -Wpointer-arith -Wcast-qual \
		   -Wimplicit-fallthrough -Wno-unused-parameter \
		   -Wno-format-nonliteral
CPPFLAGS	+= -D_GNU_SOURCE -Isrc
CFLAGS		+= -std=gnu11 $(OPT) $(WARNINGS) $(WERROR) -MMD -MP
PKGS		 = libedit libssl libcrypto zlib
LDLIBS		+= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ledit -lssl -lcrypto -lz) \
		   -lpcap -lpam -lradcli -lpthread
LDLIBS		+= -lcrypt	# radius helper: system-auth (crypt_r)
CPPFLAGS	+= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

# Sources, per layer (dependencies point down: core <- link/dp <- auth/ppp <- ctl <- main).
CORE_SRCS	 = $(sort $(wildcard src/core/*.c))
SYS_SRCS	 = $(sort $(wildcard src/sys/*.c))
DP_SRCS		 = $(sort $(wildcard src/dp/*.c))
LINK_SRCS	 = $(sort $(wildcard src/link/*.c))
PPP_SRCS	 = $(sort $(wildcard src/ppp/*.c))
AUTH_SRCS	 = $(sort $(wildcard src/auth/*.c))
CTL_SRCS	 = $(sort $(wildcard src/ctl/*.c))
LIB_SRCS	 = $(CORE_SRCS) $(SYS_SRCS) $(DP_SRCS) $(LINK_SRCS) $(PPP_SRCS) \
		   $(AUTH_SRCS) $(CTL_SRCS)
MAIN_SRCS	 = src/main.c

LIB_OBJS	 = $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJS	 = $(MAIN_SRCS:%.c=$(BUILD)/%.o)
LIBMPD		 = $(BUILD)/libmpd.a
MPD		 = $(BUILD)/mpd5

all: $(MPD)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBMPD): $(LIB_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

# The configuration directory is compiled into main.o; a stamp file makes
# `make install PREFIX=/usr` rebuild it when CONFDIR changes.
$(BUILD)/confdir.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CONFDIR)' | cmp -s - $@ || echo '$(CONFDIR)' > $@

$(BUILD)/src/main.o: CPPFLAGS += -DMPD_CONFDIR='"$(CONFDIR)"'
$(BUILD)/src/main.o: $(BUILD)/confdir.stamp

$(MPD): $(MAIN_OBJS) $(LIBMPD)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJS) $(LIBMPD) $(LDLIBS)

include tests/tests.mk

# ---- install ----
install: $(MPD)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(CONFDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)/etc/rsyslog.d \
		$(DESTDIR)/etc/logrotate.d $(DESTDIR)/lib/systemd/system
	install -m 755 $(MPD) $(DESTDIR)$(SBINDIR)/mpd5
	ln -sf mpd5 $(DESTDIR)$(SBINDIR)/mpd
	for f in conf/*.sample conf/dictionary.mpd; do \
		install -m 644 $$f $(DESTDIR)$(CONFDIR)/; done
	chmod 600 $(DESTDIR)$(CONFDIR)/mpd.secret.sample
	# chat scripts: the bundled mpd.script, also kept as a sample so that
	# an edited copy is never overwritten
	install -m 644 conf/mpd.script $(DESTDIR)$(CONFDIR)/mpd.script.sample
	test -e $(DESTDIR)$(CONFDIR)/mpd.script || \
		install -m 644 conf/mpd.script $(DESTDIR)$(CONFDIR)/mpd.script
	install -m 644 doc/mpd5.8 $(DESTDIR)$(MANDIR)/man8/mpd5.8
	ln -sf mpd5.8 $(DESTDIR)$(MANDIR)/man8/mpd.8
	install -m 644 conf/rsyslog-mpd.conf $(DESTDIR)/etc/rsyslog.d/30-mpd.conf
	install -m 644 conf/logrotate-mpd $(DESTDIR)/etc/logrotate.d/mpd
	sed 's,@SBINDIR@,$(SBINDIR),g; s,@CONFDIR@,$(CONFDIR),g' conf/mpd5.service.in \
		> $(DESTDIR)/lib/systemd/system/mpd5.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mpd5 $(DESTDIR)$(SBINDIR)/mpd \
		$(DESTDIR)$(MANDIR)/man8/mpd5.8 $(DESTDIR)$(MANDIR)/man8/mpd.8 \
		$(DESTDIR)/etc/rsyslog.d/30-mpd.conf $(DESTDIR)/etc/logrotate.d/mpd \
		$(DESTDIR)/lib/systemd/system/mpd5.service

deps:
	sh scripts/install-deps

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

# make bench: performance figures (scripts/bench/; doc/PERFORMANCE.md)
BENCH_BINS	 = $(BUILD)/bench/tunfwd

$(BUILD)/bench/%: scripts/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

bench: deps
	$(MAKE) all $(BENCH_BINS)
	sh scripts/bench/bench.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz

FORCE:

.PHONY: all install uninstall deps demo bench clean FORCE

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJS:.o=.d)
