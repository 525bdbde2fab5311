/*
 * chat.h - the modem chat script interpreter (mpd.script; surface spec
 * 3.2): labels as entry points, `set match regex timer wait if print
 * cancel goto call return success failure log nop`, permanent ($Upper)
 * and temporary ($lower) variables, events that fire only during `wait`.
 *
 * The interpreter knows nothing of ttys: the modem device gives it the
 * bytes it reads from the port (chat_input) and writes what `print`
 * produces through chat_io.write.  Timers run on the core event loop.
 * Messages go to the `chat` / `chat2` log classes as "[<link>] CHAT: ...".
 */
#ifndef MPD_LINK_CHAT_H
#define MPD_LINK_CHAT_H

#include <stdbool.h>
#include <stddef.h>

struct chat;

struct chat_io {
	/* Write len bytes to the port (`print`).  0, or -1: the script fails. */
	int	(*write)(void *arg, const void *buf, size_t len);
	/*
	 * The script set $Baudrate: change the port speed.  0, or -1 (not a
	 * speed the port takes): the script fails.
	 */
	int	(*set_speed)(void *arg, int baud);
	/*
	 * The script ended: ok on `success`, !ok on `failure` or any script
	 * error.  Called from chat_input() or a timer, never from
	 * chat_start(); the callee may call chat_start() again or
	 * chat_abort(), not chat_free().
	 */
	void	(*done)(void *arg, bool ok);
};

/* A new interpreter for link lname (copied); NULL on failure. */
struct chat	*chat_new(const char *lname, const struct chat_io *io,
		    void *arg);
/* Stop any script (done() not called) and free everything. */
void		 chat_free(struct chat *c);

/*
 * Variables, named without the '$'.  chat_var_set() returns 0, or -1 for
 * a malformed name.  chat_var_get() returns the value or NULL when unset
 * (the pointer is valid until the variable changes).  Temporary
 * ($lower-case) variables are cleared when a script ends; permanent ones
 * stay for the next run (`set modem var`, $Login, $Password,
 * $modemDevice, $Baudrate are preset by the modem device this way; it
 * reads $IdleResult, $ConnectionSpeed, $CallingID, $CalledID back).
 */
int		 chat_var_set(struct chat *c, const char *name,
		    const char *value);
const char	*chat_var_get(const struct chat *c, const char *name);

/*
 * Run the script at label in file path (read now, as mpd5 reads
 * mpd.script at each run).  Returns 0 when it runs (done() reports the
 * end), -1 when the file or the label cannot be found (logged; done()
 * not called).
 */
int		 chat_start(struct chat *c, const char *path,
		    const char *label);
/*
 * Like chat_start() with the script text given in memory (len bytes, no
 * terminating NUL needed); name is used in log messages only.  For tests,
 * the fuzz target and callers that hold the script already.
 */
int		 chat_start_text(struct chat *c, const char *name,
		    const char *text, size_t len, const char *label);
/*
 * Length of one script second in milliseconds (default 1000).  Lets the
 * unit tests run `timer`/`wait` scripts without waiting real seconds.
 */
void		 chat_set_second_ms(struct chat *c, unsigned ms);
/* Bytes read from the port; ignored when no script runs. */
void		 chat_input(struct chat *c, const void *buf, size_t len);
/*
 * chat_input() that tells how many bytes the script used: fewer than len
 * when it ended (or done() started another) on a byte before the last,
 * so the device can hand the rest to PPP (a peer's first frame that came
 * in the same read as CONNECT).
 */
size_t		 chat_input_used(struct chat *c, const void *buf, size_t len);
/* Stop a running script; done() is not called. */
void		 chat_abort(struct chat *c);
bool		 chat_active(const struct chat *c);
/*
 * The text of the last `log` command of the current or last run (NULL if
 * none; valid until the next chat_start): mpd5 gives it as the reason of
 * a failed script ("No carrier", "The line is busy").
 */
const char	*chat_last_log(const struct chat *c);

#endif /* MPD_LINK_CHAT_H */
