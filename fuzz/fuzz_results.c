/*
 * fuzz_results - reading a results document (results_parse, with the
 * located syntax errors and every field check), then the round trip through
 * the writer: a document that reads must be written (results_write, the
 * text objmem writes), read back, and give the same interpreters and cells;
 * written again, the text must not change (the summary and fits are
 * recomputed, so they must come out the same too).
 *
 * The input is exactly len bytes, not NUL-terminated. The round trip goes
 * through files in a private directory under /dev/shm (or $TMPDIR),
 * removed at exit; a failed round trip leaves them and names them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
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

static void slurp(const char *path, struct buf *b)
{
	buf_reset(b);
	FUZZ_CHECK(read_file(path, SIZE_MAX, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results r, back;
	results_init(&r);
	if (results_parse((const char *)data, size, &r, "fuzz-input")) {
		/* a failed read leaves nothing behind */
		FUZZ_CHECK(r.n_cells == 0 && r.n_interps == 0 && !r.machine.present && !r.config.present);
		results_release(&r);
		return 0;
	}
	for (size_t i = 0; i < r.n_cells; i++)
		FUZZ_CHECK(r.cells[i].interpreter && r.cells[i].workload && r.cells[i].count > 0);
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
