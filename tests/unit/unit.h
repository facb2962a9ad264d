/*
 * unit.h - the small frame every CUnit test binary shares: suites are
 * registered from a table, run with CUnit's basic interface, and the binary
 * ends with one line "NAME: N passed, N failed" that tests/run-tests adds up.
 * Fixtures are found relative to the source tree (OBJMEM_SRCDIR, default ".").
 */
#ifndef OBJMEM_UNIT_H
#define OBJMEM_UNIT_H

#include <stddef.h>
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

#endif
