/*
 * fdclose.h - closing descriptors whose close() blocks, off the event loop.
 *
 * Closing the last descriptor of a TUN device (or of a ppp unit) removes
 * the network device, and Linux waits inside close() for an RCU barrier:
 * tens of milliseconds each on a busy machine.  Done on the event loop,
 * a mass disconnect of thousands of sessions would stall every other
 * session (keep-alives included) for minutes.  Such descriptors are
 * handed to a few closer threads instead; concurrent closes also share
 * the kernel's barriers, so a storm of them ends sooner.
 */
#ifndef MPD_CORE_FDCLOSE_H
#define MPD_CORE_FDCLOSE_H

/*
 * Close fd in a closer thread (started on first use).  The caller gives
 * up fd: it must already be out of the event loop.  When no thread can
 * be started, fd is closed here and now.
 */
void	fd_close_async(int fd);

/*
 * Wait until every descriptor handed over so far is closed (at shutdown,
 * so that the devices are gone when the daemon exits).
 */
void	fd_close_drain(void);

#endif /* MPD_CORE_FDCLOSE_H */
