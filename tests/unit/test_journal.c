/*
 * test_journal.c - journal.c: every cell appended is one line of
 * FILE.journal and folds back equal to what was appended; a later line for
 * a cell replaces an earlier one; a line a kill cut short is left out with
 * a warning; a line that is not a cell is an error naming the file and
 * line; results_load folds the journal of the file it reads.
 *
 * The cells come from tests/fixtures/results/small.json; every file goes
 * under unit_tmpdir(), removed at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "results.h"
#include "unit.h"
#include "util.h"

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = 0;
	int ch;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void test_round_trip(void)
{
	struct results src;
	results_init(&src);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &src), 0);
	CU_ASSERT_FATAL(src.n_cells > 2);
	char *dir = unit_tmpdir();
	char *file = xasprintf("%s/r.json", dir);
	struct journal j;
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, file), 0);
	for (size_t i = 0; i < src.n_cells; i++)
		CU_ASSERT_EQUAL(journal_append(&j, &src.cells[i]), 0);
	CU_ASSERT_EQUAL(j.n, src.n_cells);
	char *jpath = journal_path(file);
	/* one line per cell, no blank lines between them */
	CU_ASSERT_EQUAL(count_lines(jpath), src.n_cells);
	journal_close(&j, 0);

	struct results back;
	results_init(&back);
	size_t n = 0;
	unit_stderr_begin();
	int rc = journal_fold(&back, file, &n);
	char *err = unit_stderr_end();
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	CU_ASSERT_EQUAL(n, src.n_cells);
	CU_ASSERT_EQUAL_FATAL(back.n_cells, src.n_cells);
	for (size_t i = 0; i < src.n_cells; i++) {
		const struct cell *a = &src.cells[i];
		const struct cell *b = results_find_cell(&back, a->interpreter, a->workload, a->count,
							 a->repeat);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_EQUAL(a->status, b->status);
		for (int p = 0; p < PHASE_COUNT; p++)
			CU_ASSERT_EQUAL(a->samples[p].uss, b->samples[p].uss);
		CU_ASSERT_DOUBLE_EQUAL(a->wall_s, b->wall_s, 0);
	}
	results_release(&back);

	/* a later line for the same cell replaces the earlier one */
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, file), 0);
	struct cell c;
	cell_init(&c);
	cell_copy(&c, &src.cells[0]);
	CU_ASSERT_EQUAL(journal_append(&j, &c), 0);
	c.samples[PHASE_FULL].uss += 4096;
	CU_ASSERT_EQUAL(journal_append(&j, &c), 0);
	journal_close(&j, 0);
	results_init(&back);
	CU_ASSERT_EQUAL(journal_fold(&back, file, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL_FATAL(back.n_cells, 1);
	CU_ASSERT_EQUAL(back.cells[0].samples[PHASE_FULL].uss, c.samples[PHASE_FULL].uss);
	results_release(&back);
	cell_release(&c);

	/* closed with remove: the journal is gone */
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, file), 0);
	journal_close(&j, 1);
	CU_ASSERT_NOT_EQUAL(access(jpath, F_OK), 0);
	free(jpath);
	free(file);
	unit_rmtree(dir);
	free(dir);
	results_release(&src);
}

/* Journals as a killed run or a damaged disk leaves them. */
static const struct {
	const char *name;
	const char *tail;   /* appended after two good lines */
	int rc;
	size_t cells;
	const char *msg;    /* fragment of stderr, NULL: silent */
} damaged[] = {
	{ "nothing after the good lines", "", 0, 2, NULL },
	{ "a line cut short by a kill", "{\"interpreter\":\"py\",\"work", 0, 2,
	  "r.json.journal:3: a cell cut short while it was written; left out" },
	{ "a blank line", "\n", 0, 2, NULL },
	{ "a line that is not JSON", "garbage\n", -1, 2, "r.json.journal:3" },
	{ "a JSON line that is not a cell", "{\"x\":1}\n", -1, 2, "r.json.journal:3" },
};

static void test_damaged(void)
{
	struct results src;
	results_init(&src);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &src), 0);
	char *dir = unit_tmpdir();
	char *file = xasprintf("%s/r.json", dir);
	char *jpath = journal_path(file);
	for (size_t i = 0; i < ARRAY_SIZE(damaged); i++) {
		struct journal j;
		CU_ASSERT_EQUAL_FATAL(journal_open(&j, file), 0);
		CU_ASSERT_EQUAL(journal_append(&j, &src.cells[0]), 0);
		CU_ASSERT_EQUAL(journal_append(&j, &src.cells[1]), 0);
		journal_close(&j, 0);
		FILE *f = fopen(jpath, "a");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(damaged[i].tail, f);
		fclose(f);
		struct results r;
		results_init(&r);
		size_t n = 99;
		unit_stderr_begin();
		int rc = journal_fold(&r, file, &n);
		char *err = unit_stderr_end();
		CU_ASSERT_EQUAL(rc, damaged[i].rc);
		if (damaged[i].rc == 0)
			CU_ASSERT_EQUAL(r.n_cells, damaged[i].cells);
		if (damaged[i].msg) {
			if (!strstr(err, damaged[i].msg))
				fprintf(stderr, "\n%s: stderr was: %s\n", damaged[i].name, err);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, damaged[i].msg));
		} else {
			CU_ASSERT_STRING_EQUAL(err, "");
		}
		free(err);
		results_release(&r);
	}
	free(jpath);
	free(file);
	unit_rmtree(dir);
	free(dir);
	results_release(&src);
}

/* A killed run left FILE with its first cell and FILE.journal with the rest. */
static void test_load_folds(void)
{
	struct results src;
	results_init(&src);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &src), 0);
	char *dir = unit_tmpdir();
	char *file = xasprintf("%s/r.json", dir);
	CU_ASSERT_EQUAL_FATAL(results_write(&src, file), 0);
	/* the journal holds the first cell again, changed: it wins */
	struct cell c;
	cell_init(&c);
	cell_copy(&c, &src.cells[0]);
	c.samples[PHASE_FULL].uss += 8192;
	struct journal j;
	CU_ASSERT_EQUAL_FATAL(journal_open(&j, file), 0);
	CU_ASSERT_EQUAL(journal_append(&j, &c), 0);
	journal_close(&j, 0);
	struct results back;
	results_init(&back);
	CU_ASSERT_EQUAL(results_load(file, &back), 0);
	CU_ASSERT_EQUAL(back.n_cells, src.n_cells);
	const struct cell *b = results_find_cell(&back, c.interpreter, c.workload, c.count, c.repeat);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->samples[PHASE_FULL].uss, c.samples[PHASE_FULL].uss);
	results_release(&back);
	cell_release(&c);
	free(file);
	unit_rmtree(dir);
	free(dir);
	results_release(&src);
}

static const struct unit_test tests[] = {
	{ "append, fold, replace, remove", test_round_trip },
	{ "damaged journals", test_damaged },
	{ "results_load folds the journal", test_load_folds },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("journal", tests) };
	return unit_main(argv[0], suites, 1);
}
