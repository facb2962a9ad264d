/*
 * unit.h - the small frame every CUnit test binary shares: suites are
 * registered from a table, run with CUnit's basic interface, and the binary
 * ends with one line "NAME: N passed, N failed" that tests/run-tests adds up.
 * Fixtures are found relative to the source tree (OBJMEM_SRCDIR, default ".").
 */
#ifndef OBJMEM_UNIT_H
#define OBJMEM_UNIT_H

#include <stddef.h>
#include <sys/types.h>
#include <CUnit/CUnit.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests;
	size_t n_tests;
	int (*init)(void);
	int (*cleanup)(void);
};

#define UNIT_SUITE(name, table) { name, table, sizeof(table) / sizeof((table)[0]), NULL, NULL }

/* Register and run; returns the process exit status (0 when all passed). */
int unit_main(const char *binary, const struct unit_suite *suites, size_t n);

/* Path of a fixture under tests/fixtures (static buffer, valid until next call). */
const char *unit_fixture(const char *rel);

/* Read a fixture file into a malloc'ed NUL-terminated string (CU_FAIL on error). */
char *unit_read_fixture(const char *rel, size_t *len);

/* Capture what the code under test prints on stderr (error() messages). */
void unit_stderr_begin(void);
/* Stop capturing; returns the text (malloc'ed, never NULL). */
char *unit_stderr_end(void);

/* A fresh temporary directory (removed by the caller with unit_rmtree). */
char *unit_tmpdir(void);
void unit_rmtree(const char *dir);

/* A process as /proc/PID/stat tells it. */
struct unit_proc {
	char state;
	pid_t ppid, pgrp;
	unsigned long long start; /* clock ticks after boot: tells a reused pid apart */
};
/* Fields of /proc/PID/stat; -1 when the process has no entry. */
int unit_proc_info(pid_t pid, struct unit_proc *pi);
void unit_sleep(double s);
/* The process started at start is running (not a zombie, not a reused pid). */
int unit_is_alive(pid_t pid, unsigned long long start);
/* Wait at most timeout_s for it to be dead (reaped, gone, or a zombie elsewhere): 1, or 0. */
int unit_wait_gone(pid_t pid, unsigned long long start, double timeout_s);
/* Read fd into b until it holds stop (or EOF when stop is NULL), at most timeout_s: 0 or -1. */
struct buf;
int unit_read_until(int fd, struct buf *b, const char *stop, double timeout_s);

#endif
