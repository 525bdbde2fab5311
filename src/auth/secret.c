/*
 * secret.c - the mpd.secret reader and `!program` runner.
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/cfgfile.h"
#include "../core/defs.h"
#include "../core/log.h"

int
secret_parse_line(char *line, struct secret_entry *e)
{
	char *av[4];
	int ac;

	memset(e, 0, sizeof(*e));
	if (cfg_is_skip(line))
		return 0;
	ac = util_tokenize(line, av, 3);
	if (ac < 2)
		return ac == 0 ? 0 : -1;
	if (util_strlcpy(e->login, av[0], sizeof(e->login)) >=
	    sizeof(e->login))
		return -1;
	if (av[1][0] == '!') {
		e->is_program = true;
		if (util_strlcpy(e->password, av[1] + 1,
		    sizeof(e->password)) >= sizeof(e->password))
			return -1;
	} else if (util_strlcpy(e->password, av[1], sizeof(e->password)) >=
	    sizeof(e->password))
		return -1;
	if (ac == 3) {
		if (u_range_parse(av[2], AF_INET, &e->range) < 0)
			return -1;
		e->have_range = true;
	}
	return 1;
}

bool
secret_matches(const struct secret_entry *e, const char *login)
{
	if (strcmp(e->login, "*") == 0)
		return e->is_program;
	return strcmp(e->login, login) == 0;
}

/* Read up to len-1 bytes of the first line the child prints. */
static int
read_first_line(int fd, pid_t pid, char *buf, size_t len)
{
	struct timespec t0, t1;
	size_t o = 0;
	long waited;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		waited = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= SECRET_PROG_TIMEOUT_MS) {
			kill(-pid, SIGKILL);	/* its process group */
			log_printf(LG_AUTH, "mpd.secret: program timed out");
			break;
		}
		r = poll(&p, 1, (int)(SECRET_PROG_TIMEOUT_MS - waited));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf + o, len - 1 - o);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		o += (size_t)n;
		buf[o] = '\0';
		if (memchr(buf, '\n', o) != NULL || o == len - 1)
			break;
	}
	buf[o] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/*
 * Run "<cmd> '<login>'" with /bin/sh and take the first output line as
 * the password.  The login is single-quoted (logins with a quote or a
 * line break are refused) because it comes from the peer.
 */
static int
secret_run_program(const char *cmd, const char *login, char *out,
    size_t len)
{
	char command[SECRET_MAX_PASS + SECRET_MAX_LOGIN + 8];
	char *const argv[] = { "sh", "-c", command, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int fds[2], status, rc;
	pid_t pid;

	out[0] = '\0';
	if (strpbrk(login, "'\n\r") != NULL)
		return -1;
	snprintf(command, sizeof(command), "%s '%s'", cmd, login);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	/*
	 * posix_spawn rather than fork: this runs in a worker thread whose
	 * signals are blocked; the child gets a clean mask and default
	 * dispositions, stdin on /dev/null and stdout on our pipe.
	 */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&dflt);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return -1;
	}
	read_first_line(fds[0], pid, out, len);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return out[0] != '\0' ? 0 : -1;
}

int
secret_lookup(const char *path, const char *login, struct secret_entry *out)
{
	char line[CONF_MAX_LINE + 1];
	struct secret_entry e;
	int lineno = 0, rc = -2;
	bool trunc;
	FILE *fp;

	if (login == NULL || *login == '\0')
		return -2;
	fp = fopen(path, "r");
	if (fp == NULL) {
		log_perr(LG_ERR, "mpd.secret: can't open %s", path);
		return -1;
	}
	while (cfg_read_line(fp, line, sizeof(line), &lineno, &trunc)) {
		int r = secret_parse_line(line, &e);

		if (r < 0) {
			log_printf(LG_ERR, "%s:%d: malformed line", path,
			    lineno);
			continue;
		}
		if (r == 0 || !secret_matches(&e, login))
			continue;
		if (e.is_program) {
			char cmd[SECRET_MAX_PASS];

			memcpy(cmd, e.password, sizeof(cmd));
			if (secret_run_program(cmd, login, e.password,
			    sizeof(e.password)) < 0)
				break;
		}
		if (strcmp(e.login, "*") == 0)
			util_strlcpy(e.login, login, sizeof(e.login));
		*out = e;
		rc = 0;
		break;
	}
	fclose(fp);
	memset(&e, 0, sizeof(e));
	return rc;
}
