/*
 * test_proc.c - child processes off the event loop (core/proc.h): exit
 * status, start failure, the time limit, cancel, shutdown, the child's
 * clean environment (stdio on /dev/null, no inherited descriptors, empty
 * signal mask) and the exact arguments a script receives, directly and
 * through /bin/sh -c lines built with proc_sh_append().
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/proc.h"

static char tmpdir[64];
static int ncalls;
static int last_status;
static bool in_run;
static struct timer guard;

static void
done_cb(void *arg, int status)
{
	(void)arg;
	/* never from inside proc_run() */
	assert_false(in_run);
	ncalls++;
	last_status = status;
	event_stop();
}

static void
guard_cb(void *arg)
{
	(void)arg;
	event_stop();
}

/* Run the loop until done_cb fires or ms elapse. */
static void
run_loop(uint32_t ms)
{
	timer_init(&guard, "guard", ms, guard_cb, NULL);
	timer_start(&guard);
	event_loop();
	timer_stop(&guard);
}

static long
start(const char *const argv[], unsigned limit)
{
	long h;

	in_run = true;
	h = proc_run(argv, limit, done_cb, NULL);
	in_run = false;
	return h;
}

static int
setup(void **state)
{
	(void)state;
	ncalls = 0;
	last_status = 12345;
	assert_int_equal(event_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	proc_shutdown();
	event_fini();
	return 0;
}

static void
test_true(void **state)
{
	const char *argv[] = { "/bin/true", NULL };

	(void)state;
	assert_true(start(argv, 0) > 0);
	run_loop(5000);
	assert_int_equal(ncalls, 1);
	assert_true(WIFEXITED(last_status));
	assert_int_equal(WEXITSTATUS(last_status), 0);
}

static void
test_false(void **state)
{
	const char *argv[] = { "/bin/false", NULL };

	(void)state;
	assert_true(start(argv, 0) > 0);
	run_loop(5000);
	assert_int_equal(ncalls, 1);
	assert_true(WIFEXITED(last_status));
	assert_int_equal(WEXITSTATUS(last_status), 1);
}

static void
test_limit_kills(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "sleep 30; exit 0", NULL };
	uint64_t t0 = event_now_ms();

	(void)state;
	assert_true(start(argv, 200) > 0);
	run_loop(10000);
	assert_int_equal(ncalls, 1);
	/* the shell and its sleep die together (process group) */
	assert_true(WIFSIGNALED(last_status));
	assert_int_equal(WTERMSIG(last_status), SIGKILL);
	assert_true(event_now_ms() - t0 < 5000);
}

static void
test_start_failure(void **state)
{
	const char *argv[] = { "/nonexistent/program", NULL };
	const char *empty[] = { NULL };

	(void)state;
	assert_true(start(argv, 0) > 0);
	assert_int_equal(ncalls, 0);
	run_loop(5000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(last_status, -1);
	assert_int_equal(proc_run(empty, 0, done_cb, NULL), -1);
}

static void
test_cancel(void **state)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	long h;

	(void)state;
	h = start(argv, 0);
	assert_true(h > 0);
	proc_cancel(h);
	proc_cancel(h);		/* twice: harmless */
	proc_cancel(987654);	/* unknown: harmless */
	run_loop(300);
	assert_int_equal(ncalls, 0);
}

static void
test_shutdown(void **state)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	uint64_t t0 = event_now_ms();

	(void)state;
	assert_true(start(argv, 0) > 0);
	assert_true(start(argv, 0) > 0);
	proc_shutdown();
	assert_int_equal(ncalls, 0);
	assert_true(event_now_ms() - t0 < 10000);
}

/* Write an executable script into tmpdir; returns its path. */
static char *
write_script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/* Read a file into buf (terminated). */
static void
read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The script prints "$@" (after the output file) one per line. */
static const char args_script[] =
    "#!/bin/sh\n"
    "out=$1\n"
    "shift\n"
    "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$out\"\n";

static void
test_args_direct(void **state)
{
	char out[128], got[1024], script[128];
	const char *argv[8];

	(void)state;
	snprintf(script, sizeof(script), "%s",
	    write_script("args.sh", args_script));
	snprintf(out, sizeof(out), "%s/direct.out", tmpdir);
	argv[0] = script;
	argv[1] = out;
	argv[2] = "two words";
	argv[3] = "";
	argv[4] = "$HOME `id` 'q' \"d\"";
	argv[5] = "last";
	argv[6] = NULL;
	assert_true(start(argv, 5000) > 0);
	run_loop(5000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(last_status, 0);
	read_file(out, got, sizeof(got));
	assert_string_equal(got,
	    "two words\n\n$HOME `id` 'q' \"d\"\nlast\n");
}

/*
 * An up-script line as the interface layer builds it (spec 9.1), with a
 * hostile peer name: every word must arrive unchanged.
 */
static void
test_args_shell_line(void **state)
{
	char out[128], got[1024], line[2048];
	const char *argv[] = { "/bin/sh", "-c", line, NULL };
	const char *words[] = { "ng0", "inet", "10.0.0.1/32", "10.0.0.2",
	    "o'neil; rm -rf / $(id)", "dns1 8.8.8.8", "", "192.0.2.7", "-" };
	const bool quoted[] = { false, false, false, false, true, true, true,
	    true, true };
	size_t i;

	(void)state;
	snprintf(line, sizeof(line), "%s", write_script("up.sh",
	    args_script));
	snprintf(out, sizeof(out), "%s/line.out", tmpdir);
	assert_int_equal(proc_sh_append(line, sizeof(line), out, false), 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		assert_int_equal(proc_sh_append(line, sizeof(line), words[i],
		    quoted[i]), 0);
	assert_true(start(argv, 5000) > 0);
	run_loop(5000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(last_status, 0);
	read_file(out, got, sizeof(got));
	assert_string_equal(got,
	    "ng0\ninet\n10.0.0.1/32\n10.0.0.2\no'neil; rm -rf / $(id)\n"
	    "dns1 8.8.8.8\n\n192.0.2.7\n-\n");
}

/* stdio on /dev/null, no leaked descriptor, empty signal mask. */
static void
test_child_environment(void **state)
{
	char out[128], got[1024], body[1024], script[128];
	const char *argv[] = { script, NULL };
	sigset_t set, old;
	int fd;

	(void)state;
	fd = open("/dev/zero", O_RDONLY);	/* no O_CLOEXEC on purpose */
	assert_true(fd > 2);
	snprintf(out, sizeof(out), "%s/env.out", tmpdir);
	snprintf(body, sizeof(body),
	    "#!/bin/sh\n"
	    "{ readlink /proc/$$/fd/0; readlink /proc/$$/fd/2;\n"
	    "  [ -e /proc/$$/fd/%d ] && echo leaked || echo closed;\n"
	    /*
	     * the shell's own mask, read by a builtin: a forked grep could
	     * see it while dash blocks every signal around its fork()
	     */
	    "  while IFS= read -r l; do case \"$l\" in SigBlk:*)\n"
	    "    echo \"$l\";; esac; done < /proc/$$/status; } > %s\n",
	    fd, out);
	snprintf(script, sizeof(script), "%s",
	    write_script("env.sh", body));
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	assert_true(start(argv, 5000) > 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	run_loop(5000);
	close(fd);
	assert_int_equal(ncalls, 1);
	assert_int_equal(last_status, 0);
	read_file(out, got, sizeof(got));
	assert_string_equal(got, "/dev/null\n/dev/null\nclosed\n"
	    "SigBlk:\t0000000000000000\n");
}

static void
test_sh_append(void **state)
{
	char buf[64];
	char small[8];

	(void)state;
	buf[0] = '\0';
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "/x/up.sh", false),
	    0);
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "ng0", false), 0);
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "a b", false), 0);
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "-", true), 0);
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "", false), 0);
	assert_int_equal(proc_sh_append(buf, sizeof(buf), "it's", true), 0);
	assert_string_equal(buf, "/x/up.sh ng0 'a b' '-' '' 'it'\\''s'");

	/* does not fit: -1 and the buffer is unchanged */
	snprintf(small, sizeof(small), "ab");
	assert_int_equal(proc_sh_append(small, sizeof(small), "cdefg", false),
	    -1);
	assert_string_equal(small, "ab");
	assert_int_equal(proc_sh_append(small, sizeof(small), "cd", false),
	    0);
	assert_string_equal(small, "ab cd");
	assert_int_equal(proc_sh_append(small, sizeof(small), "'", true), -1);
	assert_string_equal(small, "ab cd");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_true, setup, teardown),
		cmocka_unit_test_setup_teardown(test_false, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_kills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_start_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_args_direct, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_args_shell_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_child_environment, setup,
		    teardown),
		cmocka_unit_test(test_sh_append),
	};
	char cmd[128];
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mpd-test-proc.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
