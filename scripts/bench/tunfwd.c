/*
 * tunfwd.c - the yardstick of `make bench`: the fastest simple user-space
 * forwarder between a TUN device and an Ethernet interface.
 *
 *	tunfwd TUN IFACE PEER-MAC
 *
 * Packets read from TUN go out on IFACE in Ethernet frames of the local
 * experimental ethertype 0x88b5 addressed to PEER-MAC; such frames
 * received on IFACE are written to TUN.  No PPP, no session header, no
 * counters beyond what the kernel keeps: two of these (one per network
 * namespace, joined by veth) measure the raw veth+TUN limit that mpd5's
 * own TUN data plane is compared with.  It uses the same system calls as
 * mpd5's data path (read/write on the TUN, send/recv on an AF_PACKET
 * socket, epoll with batches of reads per wake-up).
 *
 * It creates the TUN device; the caller sets addresses, MTU and state.
 * It runs until SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TUNFWD_ETHERTYPE	0x88b5
#define TUNFWD_BATCH		64
#define TUNFWD_BUF		65536

static volatile sig_atomic_t tunfwd_stop;

static void
tunfwd_on_signal(int sig)
{
	(void)sig;
	tunfwd_stop = 1;
}

static int
tunfwd_parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (unsigned char)v[i];
	}
	return 0;
}

static int
tunfwd_open_tun(const char *name)
{
	struct ifreq ifr;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
tunfwd_open_packet(const char *ifname, struct sockaddr_ll *peer,
    const unsigned char mac[6])
{
	struct sockaddr_ll sll;
	int fd, idx, sz = 4 * 1024 * 1024;

	idx = (int)if_nametoindex(ifname);
	if (idx == 0)
		return -1;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(TUNFWD_ETHERTYPE));
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(TUNFWD_ETHERTYPE);
	sll.sll_ifindex = idx;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	*peer = sll;
	peer->sll_halen = 6;
	memcpy(peer->sll_addr, mac, 6);
	return fd;
}

int
main(int argc, char **argv)
{
	static unsigned char buf[TUNFWD_BUF];
	struct epoll_event ev, evs[2];
	struct sockaddr_ll peer;
	unsigned char mac[6];
	int tun, pkt, ep, n, i, k;
	ssize_t r;

	if (argc != 4 || tunfwd_parse_mac(argv[3], mac) < 0) {
		fprintf(stderr, "usage: tunfwd TUN IFACE PEER-MAC\n");
		return 64;
	}
	tun = tunfwd_open_tun(argv[1]);
	if (tun < 0) {
		perror("tunfwd: TUN");
		return 1;
	}
	pkt = tunfwd_open_packet(argv[2], &peer, mac);
	if (pkt < 0) {
		perror("tunfwd: AF_PACKET");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("tunfwd: epoll");
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = tun;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tun, &ev) < 0)
		return 1;
	ev.data.fd = pkt;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, pkt, &ev) < 0)
		return 1;
	signal(SIGTERM, tunfwd_on_signal);
	signal(SIGINT, tunfwd_on_signal);
	printf("tunfwd: %s <-> %s ready\n", argv[1], argv[2]);
	fflush(stdout);
	while (!tunfwd_stop) {
		n = epoll_wait(ep, evs, 2, 500);
		if (n < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < n; i++) {
			for (k = 0; k < TUNFWD_BATCH; k++) {
				if (evs[i].data.fd == tun) {
					r = read(tun, buf, sizeof(buf));
					if (r <= 0)
						break;
					(void)sendto(pkt, buf, (size_t)r, 0,
					    (struct sockaddr *)&peer,
					    sizeof(peer));
				} else {
					r = recv(pkt, buf, sizeof(buf), 0);
					if (r <= 0)
						break;
					(void)write(tun, buf, (size_t)r);
				}
			}
		}
	}
	return 0;
}
