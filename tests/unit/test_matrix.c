/*
 * test_matrix.c - matrix.c: shards that balance (every shard floor or ceil
 * of n/N cells, every cell in exactly one, the same answer whatever order
 * the cells come in), from a table of matrix shapes and shard counts.
 */
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "unit.h"

static const struct shape {
	size_t interps, workloads, counts, repeats;
	int shards;
} shapes[] = {
	{ 1, 2, 1, 3, 2 },     /* 6 cells in 2 shards: once 0 and 6 */
	{ 1, 1, 1, 1, 1 },
	{ 1, 1, 1, 1, 4 },     /* fewer cells than shards: three get none, never more */
	{ 11, 9, 3, 3, 8 },    /* 891 cells in 8 shards: once 48 to 156 */
	{ 23, 5, 6, 3, 7 },
	{ 2, 2, 2, 2, 16 },
};

static struct matrix_cell *make_cells(const struct shape *sh, size_t *n, char ***names)
{
	size_t total = sh->interps * sh->workloads * sh->counts * sh->repeats;
	struct matrix_cell *cells = xcalloc(total + 1, sizeof(*cells));
	*names = xcalloc(sh->interps + sh->workloads + 1, sizeof(**names));
	for (size_t i = 0; i < sh->interps; i++)
		(*names)[i] = xasprintf("cpython-3.%zu", i);
	for (size_t w = 0; w < sh->workloads; w++)
		(*names)[sh->interps + w] = xasprintf("workload%zu", w);
	size_t k = 0;
	for (size_t i = 0; i < sh->interps; i++)
		for (size_t w = 0; w < sh->workloads; w++)
			for (size_t c = 0; c < sh->counts; c++)
				for (size_t r = 1; r <= sh->repeats; r++)
					cells[k++] = (struct matrix_cell){ (*names)[i],
									   (*names)[sh->interps + w],
									   1000 * (c + 1), (int)r };
	*n = total;
	return cells;
}

static void test_balance(void)
{
	for (size_t t = 0; t < ARRAY_SIZE(shapes); t++) {
		const struct shape *sh = &shapes[t];
		size_t n;
		char **names;
		struct matrix_cell *cells = make_cells(sh, &n, &names);
		int *shard = xcalloc(n + 1, sizeof(*shard));
		matrix_shards(cells, n, sh->shards, shard);
		size_t *per = xcalloc((size_t)sh->shards + 1, sizeof(*per));
		for (size_t i = 0; i < n; i++) {
			CU_ASSERT(shard[i] >= 1 && shard[i] <= sh->shards);
			if (shard[i] >= 1 && shard[i] <= sh->shards)
				per[shard[i]]++;
		}
		size_t lo = n / (size_t)sh->shards, hi = lo + (n % (size_t)sh->shards != 0);
		for (int k = 1; k <= sh->shards; k++) {
			if (per[k] < lo || per[k] > hi)
				fprintf(stderr, "\nshape %zu: shard %d of %d has %zu of %zu cells\n", t, k,
					sh->shards, per[k], n);
			CU_ASSERT(per[k] >= lo && per[k] <= hi);
		}
		/* the same cells in reverse order: each keeps its shard */
		struct matrix_cell *rev = xcalloc(n + 1, sizeof(*rev));
		int *shard_rev = xcalloc(n + 1, sizeof(*shard_rev));
		for (size_t i = 0; i < n; i++)
			rev[i] = cells[n - 1 - i];
		matrix_shards(rev, n, sh->shards, shard_rev);
		int same = 1;
		for (size_t i = 0; i < n; i++)
			same &= shard_rev[n - 1 - i] == shard[i];
		CU_ASSERT(same);
		free(rev);
		free(shard_rev);
		free(per);
		free(shard);
		for (size_t i = 0; i < sh->interps + sh->workloads; i++)
			free(names[i]);
		free(names);
		free(cells);
	}
}

static const struct unit_test tests[] = {
	{ "shards balance, cover, and do not depend on order", test_balance },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("matrix", tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
