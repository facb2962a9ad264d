/*
 * test_memplan.c - memplan.c: a cell's peak predicted from the cells of
 * smaller counts, from a table of rows (count, repeat, status, VmHWM,
 * start-up RSS) and the predictions they must give.
 */
#include <string.h>

#include "memplan.h"
#include "unit.h"

struct given {
	uint64_t count;
	int repeat, ok;
	uint64_t hwm, start;
};

static const struct predict_case {
	const char *what;
	struct given cells[8];
	size_t n;
	uint64_t count, want;      /* want 0: no prediction */
	const char *basis;
} cases[] = {
	{ "a line through two counts", { { 100000, 1, 1, 20000000, 8000000 },
					 { 1000000, 1, 1, 130000000, 8000000 } }, 2,
	  2000000, 252222222, "the line through its 100k and 1M cells" },
	{ "the two largest smaller counts", { { 10000, 1, 1, 9000000, 8000000 },
					      { 100000, 1, 1, 20000000, 8000000 },
					      { 1000000, 1, 1, 130000000, 8000000 } }, 3,
	  10000000, 1230000000, "the line through its 100k and 1M cells" },
	{ "medians of the repetitions", { { 100000, 1, 1, 20000000, 8000000 },
					  { 100000, 2, 1, 21000000, 8000000 },
					  { 100000, 3, 1, 90000000, 8000000 },
					  { 1000000, 1, 1, 131000000, 8000000 } }, 4,
	  2000000, 253222222, "the line through its 100k and 1M cells" },
	{ "one count: in proportion from the start-up", { { 100000, 1, 1, 20000000, 8000000 } },
	  1, 1000000, 128000000, "its 100k cells, in proportion" },
	{ "failed cells do not count", { { 100000, 1, 0, 900000000, 8000000 },
					 { 1000000, 1, 1, 130000000, 10000000 } }, 2,
	  2000000, 250000000, "its 1M cells, in proportion" },
	{ "a larger count does not predict a smaller", { { 1000000, 1, 1, 130000000, 8000000 } },
	  1, 100000, 0, "no smaller count" },
	{ "a shrinking peak is not extrapolated down", { { 100000, 1, 1, 50000000, 8000000 },
							 { 1000000, 1, 1, 40000000, 8000000 } },
	  2, 2000000, 40000000, "the line through its 100k and 1M cells" },
	{ "nothing", { { 0 } }, 0, 1000000, 0, "no smaller count" },
};

static void test_predict(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct predict_case *t = &cases[k];
		struct results r;
		results_init(&r);
		r.config.repeat = 3;
		for (size_t i = 0; i < t->n; i++) {
			const struct given *g = &t->cells[i];
			struct cell *c = results_add_cell(&r);
			c->interpreter = xstrdup("cpython-3.12.1");
			c->workload = xstrdup("point3d");
			c->count = g->count;
			c->repeat = g->repeat;
			c->status = g->ok ? CELL_OK : CELL_FAILED;
			c->peak = (struct mem_peak){ 1, g->hwm, g->hwm, 10 };
			c->samples[PHASE_START] = (struct mem_sample){ .valid = 1, .rss = g->start };
			results_config_add_count(&r, g->count);
		}
		results_reindex(&r);
		char basis[128];
		uint64_t got = memplan_predict(&r, "cpython-3.12.1", "point3d", t->count, basis,
					       sizeof(basis));
		/* within a byte: the line is computed in doubles */
		int ok = (got > t->want ? got - t->want : t->want - got) <= 1 &&
			 !strcmp(basis, t->basis);
		if (!ok)
			fprintf(stderr, "\n  %s: %llu from '%s', expected %llu from '%s'", t->what,
				(unsigned long long)got, basis, (unsigned long long)t->want, t->basis);
		CU_ASSERT(ok);
		CU_ASSERT_EQUAL(memplan_predict(&r, "cpython-3.12.1", "slots", t->count, basis,
						sizeof(basis)), 0);
		results_release(&r);
	}
}

static void test_budget(void)
{
	/* a tenth held back from what the kernel says is available */
	uint64_t b = memplan_default_budget();
	CU_ASSERT(b > 0);
	CU_ASSERT(b < (uint64_t)1 << 50);
}

static const struct unit_test tests[] = {
	{ "predicted peaks", test_predict },
	{ "the default budget", test_budget },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("memplan", tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
