/*
 * fuzz_results - reading a results document (results_parse, with the
 * located syntax errors and every field check), then the round trip through
 * the writer: a document that reads must be written (results_write, the
 * text objmem writes), read back, and give the same interpreters and cells;
 * written again, the text must not change (the summary and fits are
 * recomputed, so they must come out the same too). Every number that read
 * is in its field's range (a double out of an integer's range must be an
 * error, never a cast: -fsanitize=undefined in clang includes
 * float-cast-overflow, so such a cast is a crash here).
 *
 * Then the two ways of reading a cell against each other: every element of
 * the cells array, as the strict split delimits it, read by cellscan (the
 * quick way) and by the full reader; where cellscan takes one, the text must
 * be JSON, the full reader must take it too, and the two cells must be the
 * same field for field (cell_diff).
 *
 * The input is exactly len bytes, not NUL-terminated. The round trip goes
 * through files in a private directory under /dev/shm (or $TMPDIR),
 * removed at exit; a failed round trip leaves them and names them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cellscan.h"
#include "fuzz.h"
#include "jsonutil.h"
#include "results.h"

static char *dir, *path1, *path2;

static void cleanup(void)
{
	if (path1)
		unlink(path1);
	if (path2)
		unlink(path2);
	if (dir)
		rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
		access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	dir = xasprintf("%s/objmem-fuzz-results.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir))
		abort();
	path1 = xasprintf("%s/one.json", dir);
	path2 = xasprintf("%s/two.json", dir);
	atexit(cleanup);
	return 0;
}

/* Each cell of the input read both ways: the quick one never takes what the full one would not. */
static void cells_both_ways(const char *text, size_t len)
{
	static const char *const cut[] = { "cells", NULL };
	struct json_span *elems;
	size_t n;
	cJSON *doc = json_parse_split(text, len, "fuzz-input", cut, &elems, &n);
	if (!doc)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *t = text + elems[i].start;
		size_t tl = elems[i].end - elems[i].start;
		struct cell quick, full;
		cell_init(&quick);
		cell_init(&full);
		if (cellscan_read(t, tl, &quick)) {
			FUZZ_CHECK(json_span_valid(text, elems[i].start, elems[i].end, 2));
			cJSON *o = cJSON_ParseWithLength(t, tl);
			FUZZ_CHECK(o);
			FUZZ_CHECK(results_cell_from_json(o, "fuzz-input", "cells[i]", &full) == 0);
			const char *diff = cell_diff(&quick, &full);
			if (diff)
				dprintf(2, "fuzz: cells[%zu]: %s read differently\n", i, diff);
			FUZZ_CHECK(!diff);
			cJSON_Delete(o);
		}
		cell_release(&quick);
		cell_release(&full);
	}
	cJSON_Delete(doc);
	free(elems);
}

static void slurp(const char *path, struct buf *b)
{
	buf_reset(b);
	FUZZ_CHECK(read_file(path, SIZE_MAX, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results r, back;
	cells_both_ways((const char *)data, size);
	results_init(&r);
	if (results_parse((const char *)data, size, &r, "fuzz-input")) {
		/* a failed read leaves nothing behind */
		FUZZ_CHECK(r.n_cells == 0 && r.n_interps == 0 && !r.machine.present && !r.config.present);
		results_release(&r);
		return 0;
	}
	for (size_t i = 0; i < r.n_cells; i++) {
		const struct cell *c = &r.cells[i];
		FUZZ_CHECK(c->interpreter && c->workload && c->count > 0 && c->count <= 1ULL << 53);
		FUZZ_CHECK(c->repeat >= 1 && c->pid >= 0 && isfinite(c->wall_s) && c->wall_s >= 0);
		FUZZ_CHECK(c->getsizeof >= -1 && c->container_bytes >= -1);
	}
	const struct config *cf = &r.config;
	FUZZ_CHECK(cf->repeat >= 0 && cf->jobs >= 0 && cf->cpu >= -1);
	FUZZ_CHECK(isfinite(cf->timeout_s) && cf->timeout_s >= 0 && isfinite(cf->poll_s) &&
		   cf->poll_s >= 0);
	FUZZ_CHECK(cf->shard_n == 0 || (cf->shard_k >= 1 && cf->shard_k <= cf->shard_n));
	for (size_t i = 0; i < r.n_interps; i++)
		FUZZ_CHECK(r.interps[i].name && *r.interps[i].name);

	/* print it as objmem would, then read it back */
	FUZZ_CHECK(results_write(&r, path1) == 0);
	results_init(&back);
	FUZZ_CHECK(results_load(path1, &back) == 0);
	FUZZ_CHECK(back.n_cells == r.n_cells);
	FUZZ_CHECK(back.n_interps == r.n_interps);
	for (size_t i = 0; i < r.n_cells; i++) {
		const struct cell *a = &r.cells[i], *b = &back.cells[i];
		FUZZ_CHECK(a->count == b->count && a->repeat == b->repeat &&
			   a->status == b->status);
		for (int p = 0; p < PHASE_COUNT; p++)
			FUZZ_CHECK(a->samples[p].valid == b->samples[p].valid);
	}

	/* print(read(print(x))) == print(x) */
	FUZZ_CHECK(results_write(&back, path2) == 0);
	struct buf t1 = BUF_INIT, t2 = BUF_INIT;
	slurp(path1, &t1);
	slurp(path2, &t2);
	if (t1.len != t2.len || memcmp(t1.p, t2.p, t1.len)) {
		dprintf(2, "fuzz: the second write differs from the first: diff %s %s\n", path1, path2);
		FUZZ_CHECK(!"print(read(print(x))) == print(x)");
	}
	buf_release(&t1);
	buf_release(&t2);

	results_release(&back);
	results_release(&r);
	return 0;
}
