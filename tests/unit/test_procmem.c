/*
 * test_procmem.c - procmem: the smaps and status parsers on fixtures (real
 * captures from this kernel and damaged copies of them), the same fixtures
 * read through the live path from a fake /proc/PID directory, and live
 * processes: this test, a forked child that touches 64 MiB, a zombie and a
 * reaped child.
 *
 * Expected values were computed with awk, not with this code (see
 * tests/fixtures/procmem/README).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "procmem.h"
#include "unit.h"

#define KB 1024ull
#define MIB (1024ull * 1024)
#define TXT(s) s, sizeof(s) - 1

/* The other fields of a complete record, for inline cases about one field. */
#define REST "Pss: 1 kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\n"
#define HDR "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"

struct smaps_case {
	const char *fixture;    /* under tests/fixtures/procmem/, or NULL */
	const char *text;       /* inline text when fixture is NULL */
	size_t len;
	int ret;
	uint64_t rss, pss, uss, anon, swap; /* kB */
	const char *why;
};

static const struct smaps_case smaps_cases[] = {
	/* Real captures (python3 with 200k objects and a 16 MiB shared mmap; a C program). */
	{ "python3_smaps_rollup.txt", NULL, 0, 0, 54432, 52683, 52292, 32680, 0, NULL },
	{ "python3_smaps.txt", NULL, 0, 0, 54432, 52680, 52292, 32680, 0, NULL },
	{ "small_c_smaps_rollup.txt", NULL, 0, 0, 2500, 1284, 1144, 1132, 0, NULL },
	{ "small_c_smaps.txt", NULL, 0, 0, 2500, 1281, 1144, 1132, 0, NULL },
	/* A 20000-byte path in a header, a 5000-byte VmFlags, a 100000-byte unknown field. */
	{ "huge_lines_smaps.txt", NULL, 0, 0, 2500, 1281, 1144, 1132, 0, NULL },
	/* Last line cut mid-number, no newline: dropped, everything we need is before it. */
	{ "truncated_tail_rollup.txt", NULL, 0, 0, 54432, 52683, 52292, 32680, 0, NULL },
	/* Pss_Anon, Pss_Dirty, SwapPss, Private_Clean_Huge...: exact names only. */
	{ "pss_variants_rollup.txt", NULL, 0, 0, 2000, 1500, 5696, 1100, 12, NULL },
	/* No header line, no Private_Hugetlb (kernels before 4.4). */
	{ "fields_only.txt", NULL, 0, 0, 10, 8, 3, 3, 0, NULL },

	{ "truncated_mid_number_rollup.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Private_Dirty:' line" },
	{ "truncated_smaps.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "truncated_after_header_smaps.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "empty.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "zombie_smaps.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "garbage.bin", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "garbage.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "python3_status.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ "huge_field_rollup.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "overlong 'Pss:' line" },
	{ "duplicate_rss_rollup.txt", NULL, 0, -1, 0, 0, 0, 0, 0, "duplicate 'Rss:' line" },

	/* Value syntax. */
	{ NULL, TXT("Rss:4 kB\n" REST), 0, 4, 1, 0, 0, 0, NULL },
	{ NULL, TXT("Rss:\t4kB \t\n" REST), 0, 4, 1, 0, 0, 0, NULL },
	{ NULL, TXT("Rss: 4 kB\n\0\0\0\nVmFlags: rd\n" REST), 0, 4, 1, 0, 0, 0, NULL },
	{ NULL, TXT("Rss: 18014398509481983 kB\n" REST), 0, 18014398509481983ull, 1, 0, 0, 0, NULL },
	{ NULL, TXT("Rss: -4 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: +4 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4x kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 0x10 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss:  kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4 MB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4 kBx\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4 kB\r\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 4\0 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 18446744073709551616 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	/* 2^54 kB is 2^64 bytes. */
	{ NULL, TXT("Rss: 18014398509481984 kB\n" REST), -1, 0, 0, 0, 0, 0, "bad number in 'Rss:' line" },
	{ NULL, TXT(HDR "Rss: 18014398509481983 kB\n" REST HDR "Rss: 1 kB\n" REST), -1, 0, 0, 0, 0, 0,
	  "bad number in 'Rss:' line" },
	{ NULL, TXT("Rss: 1 kB\nPss: 1 kB\nPrivate_Clean: 18014398509481983 kB\n"
		    "Private_Dirty: 18014398509481983 kB\nAnonymous: 0 kB\nSwap: 0 kB\n"), -1, 0, 0, 0, 0, 0,
	  "private memory overflows 64 bits" },

	/* Records: fields are summed per mapping, and each mapping must be complete. */
	{ NULL, TXT(HDR "Rss: 4 kB\n" REST HDR "Rss: 8 kB\n" REST), 0, 12, 2, 0, 0, 0, NULL },
	{ NULL, TXT(HDR "Rss: 4 kB\n" REST HDR), -1, 0, 0, 0, 0, 0, "no 'Rss:' line" },
	{ NULL, TXT(HDR "Rss: 4 kB\nPss: 1 kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\n"),
	  -1, 0, 0, 0, 0, 0, "no 'Swap:' line" },
	{ NULL, TXT(HDR "Rss: 4 kB\nRss: 4 kB\n" REST), -1, 0, 0, 0, 0, 0, "duplicate 'Rss:' line" },
	/* A final line without '\n' is not there, even when it looks whole. */
	{ NULL, TXT(HDR "Rss: 4 kB\nPss: 1 kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB"),
	  -1, 0, 0, 0, 0, 0, "no 'Swap:' line" },
	{ NULL, TXT(HDR "Rss: 4 kB\n" REST "Private_Hugetlb: 8 kB"), 0, 4, 1, 0, 0, 0, NULL },
	/* Lines before the first header with no field of ours are not a record. */
	{ NULL, TXT("junk\n" HDR "Rss: 4 kB\n" REST), 0, 4, 1, 0, 0, 0, NULL },
	/* Headers need lowercase hex, '-', hex and a space. */
	{ NULL, TXT("7F00-7F01 rw-p\nRss: 4 kB\n" REST), 0, 4, 1, 0, 0, 0, NULL },
	{ NULL, TXT("Rss: 4 kB\n" REST "7f00-7f01\n"), 0, 4, 1, 0, 0, 0, NULL },
};

static void check_sample(const struct smaps_case *c, int ret, const struct mem_sample *s,
			 const char *why)
{
	CU_ASSERT_EQUAL(ret, c->ret);
	if (c->ret == 0) {
		CU_ASSERT_EQUAL(s->valid, 1);
		CU_ASSERT_EQUAL(s->rss, c->rss * KB);
		CU_ASSERT_EQUAL(s->pss, c->pss * KB);
		CU_ASSERT_EQUAL(s->uss, c->uss * KB);
		CU_ASSERT_EQUAL(s->anon, c->anon * KB);
		CU_ASSERT_EQUAL(s->swap, c->swap * KB);
		CU_ASSERT_PTR_NULL(why);
	} else {
		CU_ASSERT_EQUAL(s->valid, 0);
		CU_ASSERT_EQUAL(s->rss, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		CU_ASSERT_STRING_EQUAL(why, c->why);
	}
	if (ret != c->ret || (why && c->why && strcmp(why, c->why)))
		fprintf(stderr, "\n  case %s: ret %d why '%s'\n",
			c->fixture ? c->fixture : c->text, ret, why ? why : "(null)");
}

/* The case's text, malloc'ed (fixture or a copy of the inline text). */
static char *case_text(const char *fixture, const char *text, size_t len, size_t *out_len)
{
	if (fixture) {
		char rel[256];
		snprintf(rel, sizeof(rel), "procmem/%s", fixture);
		return unit_read_fixture(rel, out_len);
	}
	char *p = malloc(len ? len : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, text, len);
	*out_len = len;
	return p;
}

static void test_parse_smaps_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(smaps_cases); i++) {
		const struct smaps_case *c = &smaps_cases[i];
		size_t len;
		char *text = case_text(c->fixture, c->text, c->len, &len);
		struct mem_sample s;
		const char *why = "unset";
		/* Exactly len bytes: text need not be NUL-terminated. */
		int ret = procmem_parse_smaps(text, len, &s, &why);
		check_sample(c, ret, &s, why);
		free(text);
	}
}

static void test_parse_smaps_null_why(void)
{
	struct mem_sample s;
	CU_ASSERT_EQUAL(procmem_parse_smaps(NULL, 0, &s, NULL), -1);
	CU_ASSERT_EQUAL(procmem_parse_smaps(TXT("Rss: 1 kB\n" REST), &s, NULL), 0);
}

/* A field line of exactly the line limit parses; one byte more is overlong. */
static void test_parse_smaps_line_limit(void)
{
	const size_t limit = 512; /* PM_LINE_MAX in procmem.c */
	for (size_t extra = 0; extra <= 1; extra++) {
		char text[2048];
		size_t pad = limit + extra - strlen("Rss:") - strlen("4 kB");
		size_t n = 0;
		memcpy(text, "Rss:", 4);
		n = 4;
		memset(text + n, ' ', pad);
		n += pad;
		memcpy(text + n, "4 kB\n" REST, strlen("4 kB\n" REST));
		n += strlen("4 kB\n" REST);
		struct mem_sample s;
		const char *why;
		int ret = procmem_parse_smaps(text, n, &s, &why);
		if (!extra) {
			CU_ASSERT_EQUAL(ret, 0);
			CU_ASSERT_EQUAL(s.rss, 4 * KB);
		} else {
			CU_ASSERT_EQUAL(ret, -1);
			CU_ASSERT_STRING_EQUAL(why, "overlong 'Rss:' line");
		}
	}
}

struct status_case {
	const char *fixture;
	const char *text;
	size_t len;
	int ret;
	uint64_t hwm, rss, anon, file, swap; /* kB */
	int have_hwm, have_rss_anon;
	const char *why;
};

static const struct status_case status_cases[] = {
	{ "python3_status.txt", NULL, 0, 0, 54432, 54432, 32680, 5368, 0, 1, 1, NULL },
	{ "small_c_status.txt", NULL, 0, 0, 2500, 2500, 1132, 1368, 0, 1, 1, NULL },
	/* Kernel threads and zombies have no memory lines. */
	{ "kthread_status.txt", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "zombie_status.txt", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL },
	/* VmHWMx, RssAnonymous, VmSwapPss...: exact names only. */
	{ "status_names.txt", NULL, 0, 0, 5000, 4000, 3000, 1000, 16, 1, 1, NULL },
	/* The cut VmRSS line is dropped, not read as 40 kB. */
	{ "truncated_status.txt", NULL, 0, 0, 5000, 0, 0, 0, 0, 1, 0, NULL },
	{ NULL, TXT("Name:\tx\nVmRSS:\t7 kB\nVmHWM:\t8 kB"), 0, 0, 7, 0, 0, 0, 0, 0, NULL },
	{ "empty.txt", NULL, 0, -1, 0, 0, 0, 0, 0, 0, 0, "no 'Name:' line: not a status file" },
	{ "python3_smaps_rollup.txt", NULL, 0, -1, 0, 0, 0, 0, 0, 0, 0, "no 'Name:' line: not a status file" },
	{ "garbage.bin", NULL, 0, -1, 0, 0, 0, 0, 0, 0, 0, "no 'Name:' line: not a status file" },
	{ NULL, TXT("Name:\tx\nVmHWM:\t12 MB\n"), -1, 0, 0, 0, 0, 0, 0, 0, "bad number in 'VmHWM:' line" },
	{ NULL, TXT("Name:\tx\nRssAnon:\t-1 kB\n"), -1, 0, 0, 0, 0, 0, 0, 0, "bad number in 'RssAnon:' line" },
	{ NULL, TXT("Name:\tx\nVmRSS:\t1 kB\nVmRSS:\t1 kB\n"), -1, 0, 0, 0, 0, 0, 0, 0, "duplicate 'VmRSS:' line" },
	{ NULL, TXT("Name:\tx\nState:\t\n"), -1, 0, 0, 0, 0, 0, 0, 0, "bad 'State:' line" },
	{ NULL, TXT("Name:\tx\nVmSwap:\t1 kB\nGroups:\t" "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n"
		    "VmHWM:\t2 kB\n"), 0, 2, 0, 0, 0, 1, 1, 0, NULL },
};

static void check_status(const struct status_case *c, int ret, const struct proc_status *st,
			 const char *why)
{
	CU_ASSERT_EQUAL(ret, c->ret);
	CU_ASSERT_EQUAL(st->vm_hwm, c->hwm * KB);
	CU_ASSERT_EQUAL(st->vm_rss, c->rss * KB);
	CU_ASSERT_EQUAL(st->rss_anon, c->anon * KB);
	CU_ASSERT_EQUAL(st->rss_file, c->file * KB);
	CU_ASSERT_EQUAL(st->vm_swap, c->swap * KB);
	CU_ASSERT_EQUAL(st->have_hwm, c->have_hwm);
	CU_ASSERT_EQUAL(st->have_rss_anon, c->have_rss_anon);
	if (c->ret) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		CU_ASSERT_STRING_EQUAL(why, c->why);
	} else {
		CU_ASSERT_PTR_NULL(why);
	}
}

static void test_parse_status_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		size_t len;
		char *text = case_text(c->fixture, c->text, c->len, &len);
		struct proc_status st;
		const char *why = "unset";
		int ret = procmem_parse_status(text, len, &st, &why);
		check_status(c, ret, &st, why);
		free(text);
	}
}

/* ---- a fake /proc/PID: the live read path on fixture bytes --------------- */

static void put_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_fixture(const char *dir, const char *name, const char *fixture)
{
	size_t len;
	char *text = case_text(fixture, NULL, 0, &len);
	put_file(dir, name, text, len);
	free(text);
}

static void fake_open(struct procmem *pm, const char *dir)
{
	CU_ASSERT_EQUAL_FATAL(procmem_open(pm, getpid()), 0);
	procmem_close(pm);
	pm->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(pm->dirfd >= 0);
}

/*
 * Every smaps case through the live path of a kernel without smaps_rollup:
 * read() in chunks, lines split across them, the same answers. An empty
 * file is the one difference: live, it means the process has no memory map.
 */
static void test_fake_proc_smaps_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(smaps_cases); i++) {
		const struct smaps_case *c = &smaps_cases[i];
		char *dir = unit_tmpdir();
		size_t len;
		char *text = case_text(c->fixture, c->text, c->len, &len);
		struct procmem pm;
		struct mem_sample s;
		const char *why = "unset";

		put_file(dir, "smaps", text, len);
		fake_open(&pm, dir);
		pm.force_smaps = 0;
		errno = 0;
		int ret = procmem_sample(&pm, &s, &why);
		if (len == 0) {
			CU_ASSERT_EQUAL(ret, -1);
			CU_ASSERT_EQUAL(errno, ESRCH);
			CU_ASSERT_STRING_EQUAL(why, "process is gone");
		} else {
			check_sample(c, ret, &s, why);
			if (ret)
				CU_ASSERT_EQUAL(errno, EINVAL);
			CU_ASSERT_EQUAL(pm.use_rollup, 0);
			CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 0);
		}
		procmem_close(&pm);
		free(text);
		unit_rmtree(dir);
		free(dir);
	}
}

/* Whether smaps_rollup exists is learnt once per handle, then kept. */
static void test_fake_proc_rollup_once(void)
{
	char *dir = unit_tmpdir();
	struct procmem pm;
	struct mem_sample s;
	const char *why;

	put_fixture(dir, "smaps", "python3_smaps.txt");
	fake_open(&pm, dir);
	pm.force_smaps = 0;
	CU_ASSERT_EQUAL(pm.use_rollup, -1);
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_EQUAL(s.pss, 52680 * KB);
	CU_ASSERT_EQUAL(pm.use_rollup, 0);

	/* A rollup appearing later is not looked for by this handle. */
	put_fixture(dir, "smaps_rollup", "python3_smaps_rollup.txt");
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_EQUAL(s.pss, 52680 * KB);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 0);
	procmem_close(&pm);

	/* A new handle finds it and prefers it... */
	fake_open(&pm, dir);
	pm.force_smaps = 0;
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_EQUAL(s.pss, 52683 * KB);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 1);
	/* ...unless told to sum smaps. */
	pm.force_smaps = 1;
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_EQUAL(s.pss, 52680 * KB);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 0);
	pm.force_smaps = 0;
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 1);

	/* Once known to exist, a vanished rollup is an error, not a fallback. */
	char path[4096];
	snprintf(path, sizeof(path), "%s/smaps_rollup", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	errno = 0;
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(s.valid, 0);
	procmem_close(&pm);
	unit_rmtree(dir);
	free(dir);
}

static void test_fake_proc_status(void)
{
	char *dir = unit_tmpdir();
	struct procmem pm;
	struct proc_status st;

	put_fixture(dir, "status", "python3_status.txt");
	fake_open(&pm, dir);
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), 0);
	CU_ASSERT_EQUAL(st.vm_hwm, 54432 * KB);
	CU_ASSERT_EQUAL(st.rss_anon, 32680 * KB);
	CU_ASSERT_EQUAL(st.rss_file, 5368 * KB);

	/* A zombie's status parses, but the process is gone. */
	put_fixture(dir, "status", "zombie_status.txt");
	errno = 0;
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);

	put_file(dir, "status", TXT("Name:\tx\nVmHWM:\tlots\n"));
	errno = 0;
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(st.vm_hwm, 0);

	char path[4096];
	snprintf(path, sizeof(path), "%s/status", dir);
	unlink(path);
	errno = 0;
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	procmem_close(&pm);
	unit_rmtree(dir);
	free(dir);
}

static void test_closed_handle(void)
{
	struct procmem pm;
	struct mem_sample s;
	struct proc_status st;
	const char *why = NULL;

	CU_ASSERT_EQUAL(procmem_open(&pm, getpid()), 0);
	procmem_close(&pm);
	CU_ASSERT_EQUAL(pm.dirfd, -1);
	procmem_close(&pm); /* twice is harmless */
	errno = 0;
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	CU_ASSERT_PTR_NOT_NULL(why);
	errno = 0;
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	CU_ASSERT_EQUAL(procmem_open(&pm, 0), -1);
	CU_ASSERT_EQUAL(procmem_open(&pm, -1), -1);
	CU_ASSERT_EQUAL(pm.dirfd, -1);
}

/* ---- live processes ------------------------------------------------------- */

static int have_rollup(void)
{
	return access("/proc/self/smaps_rollup", F_OK) == 0;
}

static void test_live_self(void)
{
	struct procmem pm;
	struct mem_sample s;
	struct proc_status st;
	const char *why = "unset";

	unsetenv("OBJMEM_NO_ROLLUP");
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, getpid()), 0);
	CU_ASSERT_EQUAL(pm.force_smaps, 0);
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL(s.valid, 1);
	CU_ASSERT(s.rss > 0);
	CU_ASSERT(s.uss > 0);
	CU_ASSERT(s.uss <= s.rss);
	CU_ASSERT(s.pss <= s.rss);
	CU_ASSERT(s.uss <= s.pss);
	CU_ASSERT(s.anon <= s.rss);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), have_rollup());
	CU_ASSERT_EQUAL(procmem_status(&pm, &st), 0);
	CU_ASSERT(st.have_hwm && st.have_rss_anon);
	CU_ASSERT(st.vm_rss > 0);
	CU_ASSERT(st.vm_hwm >= st.vm_rss);
	CU_ASSERT(st.rss_anon + st.rss_file <= st.vm_rss);
	procmem_close(&pm);
}

static void test_live_env_no_rollup(void)
{
	struct procmem pm;
	struct mem_sample s;
	const char *why;

	setenv("OBJMEM_NO_ROLLUP", "1", 1);
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, getpid()), 0);
	CU_ASSERT_EQUAL(pm.force_smaps, 1);
	CU_ASSERT_EQUAL(procmem_sample(&pm, &s, &why), 0);
	CU_ASSERT(s.uss > 0);
	CU_ASSERT_EQUAL(procmem_used_rollup(&pm), 0);
	procmem_close(&pm);
	setenv("OBJMEM_NO_ROLLUP", "0", 1);
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, getpid()), 0);
	CU_ASSERT_EQUAL(pm.force_smaps, 0);
	procmem_close(&pm);
	unsetenv("OBJMEM_NO_ROLLUP");
}

/*
 * A child that waits for a command byte: 'm' allocates and touches 64 MiB,
 * then answers 'k'; end of input makes it exit.
 */
/* Write a byte on every page of p, in code ASan leaves alone. */
__attribute__((no_sanitize_address)) static void touch_pages(char *p, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < n; i += page)
		((volatile char *)p)[i] = 0x5a;
}

struct kid {
	pid_t pid;
	int to, from;
};

static void kid_start(struct kid *k)
{
	int down[2], up[2];
	CU_ASSERT_FATAL(pipe(down) == 0 && pipe(up) == 0);
	fflush(NULL);
	k->pid = fork();
	CU_ASSERT_FATAL(k->pid >= 0);
	if (k->pid == 0) {
		char cmd;
		close(down[1]);
		close(up[0]);
		while (read(down[0], &cmd, 1) == 1) {
			if (cmd == 'm') {
				/* mmap and plain stores: under ASan, malloc and memset
				 * would write the block's shadow (an eighth more) too */
				char *p = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (p == MAP_FAILED)
					_exit(3);
				touch_pages(p, 64 * MIB);
			}
			if (write(up[1], "k", 1) != 1)
				_exit(4);
		}
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	k->to = down[1];
	k->from = up[0];
}

static void kid_do(struct kid *k, char cmd)
{
	char ack = 0;
	CU_ASSERT_EQUAL_FATAL(write(k->to, &cmd, 1), 1);
	CU_ASSERT_EQUAL_FATAL(read(k->from, &ack, 1), 1);
	CU_ASSERT_EQUAL(ack, 'k');
}

static void kid_end(struct kid *k)
{
	int status;
	close(k->to);
	close(k->from);
	CU_ASSERT_EQUAL(waitpid(k->pid, &status, 0), k->pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void sample_both(struct procmem *pm, struct mem_sample *rollup, struct mem_sample *smaps)
{
	const char *why;
	pm->force_smaps = 0;
	CU_ASSERT_EQUAL(procmem_sample(pm, rollup, &why), 0);
	CU_ASSERT_EQUAL(procmem_used_rollup(pm), have_rollup());
	pm->force_smaps = 1;
	CU_ASSERT_EQUAL(procmem_sample(pm, smaps, &why), 0);
	CU_ASSERT_EQUAL(procmem_used_rollup(pm), 0);
	pm->force_smaps = 0;
}

/* On a quiet process, summing smaps agrees with smaps_rollup. */
static void test_live_child_rollup_vs_smaps(void)
{
	struct kid k;
	struct procmem pm;
	struct mem_sample r, s;
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	kid_start(&k);
	kid_do(&k, '.'); /* it is up and idle */
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, k.pid), 0);
	sample_both(&pm, &r, &s);
	CU_ASSERT(absdiff(r.rss, s.rss) <= 4 * page);
	CU_ASSERT(absdiff(r.uss, s.uss) <= 4 * page);
	CU_ASSERT(absdiff(r.anon, s.anon) <= 4 * page);
	CU_ASSERT(absdiff(r.swap, s.swap) <= 4 * page);
	/* smaps rounds Pss down per mapping; the rollup rounds once. */
	CU_ASSERT(absdiff(r.pss, s.pss) <= 64 * KB);
	procmem_close(&pm);
	kid_end(&k);
}

static void test_live_child_64mib(void)
{
	struct kid k;
	struct procmem pm;
	struct mem_sample r0, s0, r1, s1;
	struct proc_status st0, st1;

	kid_start(&k);
	kid_do(&k, '.');
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, k.pid), 0);
	sample_both(&pm, &r0, &s0);
	CU_ASSERT_EQUAL(procmem_status(&pm, &st0), 0);
	kid_do(&k, 'm');
	sample_both(&pm, &r1, &s1);
	CU_ASSERT_EQUAL(procmem_status(&pm, &st1), 0);

	uint64_t lo = 63 * MIB, hi = 65 * MIB;
	CU_ASSERT(r1.uss - r0.uss >= lo && r1.uss - r0.uss <= hi);
	CU_ASSERT(s1.uss - s0.uss >= lo && s1.uss - s0.uss <= hi);
	CU_ASSERT(r1.anon - r0.anon >= lo && r1.anon - r0.anon <= hi);
	CU_ASSERT(r1.rss - r0.rss >= lo && r1.rss - r0.rss <= hi);
	CU_ASSERT(st1.rss_anon - st0.rss_anon >= lo && st1.rss_anon - st0.rss_anon <= hi);
	CU_ASSERT(st1.vm_hwm >= st0.vm_hwm + lo);
	if (getenv("UNIT_VERBOSE"))
		fprintf(stderr, "\n  64 MiB child: uss +%llu (rollup) +%llu (smaps) rss_anon +%llu\n",
			(unsigned long long)(r1.uss - r0.uss), (unsigned long long)(s1.uss - s0.uss),
			(unsigned long long)(st1.rss_anon - st0.rss_anon));
	procmem_close(&pm);
	kid_end(&k);
}

/* Run fn with stderr pointed at a temporary file; return the bytes written. */
static long stderr_bytes(void (*fn)(void *), void *arg)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	CU_ASSERT_FATAL(saved >= 0 && tmp);
	dup2(fileno(tmp), 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct stat stt;
	long n = fstat(fileno(tmp), &stt) == 0 ? (long)stt.st_size : -1;
	fclose(tmp);
	return n;
}

struct gone_result {
	struct procmem *pm;
	int sample_ret, sample_errno, status_ret, status_errno, smaps_ret, smaps_errno;
	const char *why;
};

static void sample_gone(void *arg)
{
	struct gone_result *g = arg;
	struct mem_sample s;
	struct proc_status st;

	errno = 0;
	g->sample_ret = procmem_sample(g->pm, &s, &g->why);
	g->sample_errno = errno;
	CU_ASSERT_EQUAL(s.valid, 0);
	errno = 0;
	g->status_ret = procmem_status(g->pm, &st);
	g->status_errno = errno;
	g->pm->force_smaps = 1;
	errno = 0;
	g->smaps_ret = procmem_sample(g->pm, &s, NULL);
	g->smaps_errno = errno;
	g->pm->force_smaps = 0;
}

static void check_gone(const struct gone_result *g)
{
	CU_ASSERT_EQUAL(g->sample_ret, -1);
	CU_ASSERT(g->sample_errno == ESRCH || g->sample_errno == ENOENT);
	CU_ASSERT_PTR_NOT_NULL(g->why);
	if (g->why)
		CU_ASSERT_STRING_EQUAL(g->why, "process is gone");
	CU_ASSERT_EQUAL(g->status_ret, -1);
	CU_ASSERT(g->status_errno == ESRCH || g->status_errno == ENOENT);
	CU_ASSERT_EQUAL(g->smaps_ret, -1);
	CU_ASSERT(g->smaps_errno == ESRCH || g->smaps_errno == ENOENT);
}

/* Exited but not reaped: its memory is gone, its /proc entry is not. */
static void test_live_zombie(void)
{
	struct procmem pm;
	struct gone_result g = { .pm = &pm };
	siginfo_t info;

	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(0);
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, pid), 0);
	memset(&info, 0, sizeof(info));
	CU_ASSERT_EQUAL(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
	CU_ASSERT_EQUAL(stderr_bytes(sample_gone, &g), 0);
	check_gone(&g);
	CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
	procmem_close(&pm);
}

static void test_live_reaped(void)
{
	struct procmem pm;
	struct gone_result g = { .pm = &pm };

	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(0);
	CU_ASSERT_EQUAL_FATAL(procmem_open(&pm, pid), 0);
	CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
	CU_ASSERT_EQUAL(stderr_bytes(sample_gone, &g), 0);
	check_gone(&g);
	procmem_close(&pm);

	/* Opening it now fails too (unless the pid was reused already). */
	struct procmem again;
	errno = 0;
	if (procmem_open(&again, pid) == 0)
		procmem_close(&again);
	else
		CU_ASSERT(errno == ENOENT || errno == ESRCH);
}

static const struct unit_test parse_tests[] = {
	{ "smaps fixtures and inline cases", test_parse_smaps_table },
	{ "smaps with why NULL", test_parse_smaps_null_why },
	{ "smaps line length limit", test_parse_smaps_line_limit },
	{ "status fixtures and inline cases", test_parse_status_table },
};

static const struct unit_test fake_tests[] = {
	{ "every smaps case read from a kernel without rollup", test_fake_proc_smaps_table },
	{ "rollup checked once per handle", test_fake_proc_rollup_once },
	{ "status read, zombie, bad, missing", test_fake_proc_status },
	{ "closed handle and bad pids", test_closed_handle },
};

static const struct unit_test live_tests[] = {
	{ "this process", test_live_self },
	{ "OBJMEM_NO_ROLLUP=1", test_live_env_no_rollup },
	{ "quiet child: smaps sum equals rollup", test_live_child_rollup_vs_smaps },
	{ "child touching 64 MiB", test_live_child_64mib },
	{ "zombie child", test_live_zombie },
	{ "reaped child", test_live_reaped },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("procmem parse", parse_tests),
	UNIT_SUITE("procmem fake /proc", fake_tests),
	UNIT_SUITE("procmem live", live_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
