/*
 * test_progress.c - progress.c: the redrawn line fitted to a terminal's
 * width (the label shortened first, then the line cut; never wider than
 * the terminal less one column, UTF-8 counted in characters), from a table
 * of cases. The redraws and the estimate are tested under a pseudo-terminal
 * (tests/e2e/progress-tty.sh).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "unit.h"
#include "util.h"

static const struct fit_case {
	const char *head, *label, *tail;
	int cols;
	const char *want;
} fit_cases[] = {
	/* room for all: as it is */
	{ "[3/12] ", "cpython-3.12 slots 1M #2", " 4s  elapsed 1m02s, left ~3m", 120,
	  "[3/12] cpython-3.12 slots 1M #2 4s  elapsed 1m02s, left ~3m" },
	/* 60 columns: the label is cut and marked, the clocks stay */
	{ "[3/12] ", "cpython-3.13-freethreading-debug namedtuple 10M #3",
	  " 4s  elapsed 1m02s, left ~3m", 60,
	  "[3/12] cpython-3.13-freethre... 4s  elapsed 1m02s, left ~3m" },
	/* exactly cols - 1: kept whole */
	{ "ab", "cd", "ef", 7, "abcdef" },
	/* one more: the label gives way ("..." needs 4 columns it has not) */
	{ "ab", "cdx", "ef", 7, "abef" },
	/* too narrow even for head and tail: the line is cut */
	{ "[100/200] ", "x", "  elapsed 10m, left ~5m", 12, "[100/200]  " },
	/* characters, not bytes: a UTF-8 label of 7 characters in 11 bytes */
	{ "[1/2] ", "\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9", " 1s", 40,
	  "[1/2] \xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9 1s" },
	{ "[1/2] ", "\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9", " 1s", 14,
	  "[1/2] \xc3\xa9..." " 1s" },
	/* no terminal width known yet: nothing drawn beyond an empty line */
	{ "[1/2] ", "x", " 1s", 0, "" },
};

/* Columns of a UTF-8 string. */
static size_t cols_of(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void test_fit(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fit_cases); i++) {
		const struct fit_case *c = &fit_cases[i];
		char out[512];
		progress_fit(out, sizeof(out), c->head, c->label, c->tail, c->cols);
		CU_ASSERT_STRING_EQUAL(out, c->want);
		CU_ASSERT(cols_of(out) + 1 <= (size_t)(c->cols > 1 ? c->cols : 1));
	}
}

/* Every width from 1 to 200 columns: never wider than cols - 1. */
static void test_fit_every_width(void)
{
	for (int cols = 1; cols <= 200; cols++) {
		char out[512];
		progress_fit(out, sizeof(out), "[12/345] ",
			     "cpython-3.13-freethreading-debug namedtuple 10M #3",
			     " 1m05s (+1 more)  elapsed 10m12s, left ~1h02m", cols);
		CU_ASSERT(cols_of(out) <= (size_t)cols - 1);
	}
}

static const struct unit_test tests[] = {
	{ "the line fitted to the terminal", test_fit },
	{ "never wider than the terminal", test_fit_every_width },
};

int main(int argc, char **argv)
{
	(void)argc;
	static const struct unit_suite suites[] = { UNIT_SUITE("progress", tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
