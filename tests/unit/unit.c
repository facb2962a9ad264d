/* unit.c - shared CUnit runner; see unit.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <time.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "unit.h"
#include "util.h"

int unit_main(const char *binary, const struct unit_suite *suites, size_t n)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "error: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		CU_pSuite s = CU_add_suite(suites[i].name, suites[i].init, suites[i].cleanup);
		if (!s) {
			fprintf(stderr, "error: cannot add suite '%s'\n", suites[i].name);
			CU_cleanup_registry();
			return 2;
		}
		for (size_t j = 0; j < suites[i].n_tests; j++)
			if (!CU_add_test(s, suites[i].tests[j].name, suites[i].tests[j].fn)) {
				fprintf(stderr, "error: cannot add test '%s'\n", suites[i].tests[j].name);
				CU_cleanup_registry();
				return 2;
			}
	}
	CU_basic_set_mode(getenv("UNIT_VERBOSE") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned run = CU_get_number_of_tests_run();
	unsigned failed = CU_get_number_of_tests_failed();
	unsigned suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	const char *base = strrchr(binary, '/');
	printf("\n%s: %u passed, %u failed\n", base ? base + 1 : binary,
	       run - failed, failed + suites_failed);
	return (failed || suites_failed) ? 1 : 0;
}

const char *unit_fixture(const char *rel)
{
	static char path[4096];
	const char *src = getenv("OBJMEM_SRCDIR");
	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src && *src ? src : ".", rel);
	return path;
}

char *unit_read_fixture(const char *rel, size_t *len)
{
	const char *path = unit_fixture(rel);
	FILE *f = fopen(path, "rb");
	if (!f) {
		CU_FAIL_FATAL("cannot open fixture");
		return NULL;
	}
	size_t alloc = 4096, n = 0;
	char *p = malloc(alloc);
	size_t got;
	while (p && (got = fread(p + n, 1, alloc - n - 1, f)) > 0) {
		n += got;
		if (alloc - n - 1 == 0) {
			alloc *= 2;
			p = realloc(p, alloc);
		}
	}
	fclose(f);
	if (!p) {
		CU_FAIL_FATAL("out of memory reading fixture");
		return NULL;
	}
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = malloc(4096);
	snprintf(tmpl, 4096, "%s/objmem-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		CU_FAIL_FATAL("mkdtemp failed");
		return NULL;
	}
	return tmpl;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void unit_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int saved_stderr = -1;
static FILE *capture;

void unit_stderr_begin(void)
{
	fflush(stderr);
	capture = tmpfile();
	saved_stderr = dup(2);
	dup2(fileno(capture), 2);
}

char *unit_stderr_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	long n = ftell(capture);
	char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	rewind(capture);
	if (n > 0 && fread(s, 1, (size_t)n, capture) != (size_t)n)
		s[0] = '\0';
	fclose(capture);
	capture = NULL;
	return s;
}

/* ---- processes, for the tests of spawn and guard ---- */

/* Fields of /proc/PID/stat; -1 when the process has no entry. */
int unit_proc_info(pid_t pid, struct unit_proc *pi)
{
	char path[64], text[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	const char *p = strrchr(text, ')'); /* the name may hold spaces and parens */
	if (!p)
		return -1;
	int ppid, pgrp;
	/* state ppid pgrp, 16 fields we skip, starttime (field 22) */
	if (sscanf(p + 1, " %c %d %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &pi->state, &ppid, &pgrp, &pi->start) != 4)
		return -1;
	pi->ppid = ppid;
	pi->pgrp = pgrp;
	return 0;
}

void unit_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The process started at start is running (not a zombie, not a reused pid). */
int unit_is_alive(pid_t pid, unsigned long long start)
{
	struct unit_proc pi;
	return unit_proc_info(pid, &pi) == 0 && pi.start == start && pi.state != 'Z' && pi.state != 'X';
}

/*
 * Wait at most timeout_s for the process started at start to be dead: reaped
 * here (it is our child or an orphan we inherited), gone from /proc, or a
 * zombie of another parent. Returns 1 when dead, 0 on timeout.
 */
int unit_wait_gone(pid_t pid, unsigned long long start, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	for (;;) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return 1;
		struct unit_proc pi;
		if (unit_proc_info(pid, &pi) < 0 || pi.start != start)
			return 1;
		if (pi.state == 'Z' || pi.state == 'X') {
			waitpid(pid, NULL, WNOHANG);
			return 1;
		}
		if (now_s() >= deadline)
			return 0;
		unit_sleep(0.01);
	}
}

/*
 * Read fd (non-blocking) into b until the text holds stop (or EOF when stop
 * is NULL), at most timeout_s. Returns 0 when found, -1 otherwise.
 */
int unit_read_until(int fd, struct buf *b, const char *stop, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	for (;;) {
		if (stop && b->p && strstr(b->p, stop))
			return 0;
		double left = deadline - now_s();
		if (left <= 0)
			return -1;
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		char tmp[4096];
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n > 0)
			buf_add(b, tmp, (size_t)n);
		else if (n == 0)
			return stop ? -1 : 0;
		else if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
}
