/* test_util.c - string vectors, directories, atomic and streamed writes, file texts, memory hints. */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

static void test_strvec_env(void)
{
	struct strvec sv = STRVEC_INIT;
	strvec_setenv(&sv, "A", "1");
	strvec_setenv(&sv, "AB", "2");
	strvec_setenv(&sv, "A", "3");
	CU_ASSERT_EQUAL(sv.n, 2);
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&sv, "A"), "3");
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&sv, "AB"), "2");
	CU_ASSERT_PTR_NULL(strvec_getenv(&sv, "B"));
	CU_ASSERT_PTR_NULL(sv.v[sv.n]);
	strvec_clear(&sv);
}

static void test_edit_distance(void)
{
	CU_ASSERT_EQUAL(edit_distance("slots", "slotz"), 1);
	CU_ASSERT_EQUAL(edit_distance("", "abc"), 3);
	CU_ASSERT_EQUAL(edit_distance("abc", "abc"), 0);
}

static void test_mkdir_p(void)
{
	char *dir = unit_tmpdir();
	char *deep = xasprintf("%s/a/b/c", dir);
	CU_ASSERT_EQUAL(mkdir_p(deep), 0);
	CU_ASSERT_EQUAL(access(deep, W_OK), 0);
	CU_ASSERT_EQUAL(mkdir_p(deep), 0); /* already there */
	char *file = xasprintf("%s/a/f", dir);
	CU_ASSERT_EQUAL(write_file_atomic(file, "x", 1), 0);
	char *under = xasprintf("%s/sub", file);
	unit_stderr_begin();
	CU_ASSERT_EQUAL(mkdir_p(file), -1);
	CU_ASSERT_EQUAL(mkdir_p(under), -1);
	CU_ASSERT_EQUAL(mkdir_p(""), -1);
	char *msg = unit_stderr_end();
	CU_ASSERT(strstr(msg, "not a directory") && strstr(msg, "cannot create directory"));
	free(msg);
	char *in = xasprintf("%s/x/y/results.json", dir);
	CU_ASSERT_EQUAL(mkdir_parent(in), 0);
	char *parent = xasprintf("%s/x/y", dir);
	CU_ASSERT_EQUAL(access(parent, W_OK), 0);
	CU_ASSERT_EQUAL(mkdir_parent("plain.json"), 0);
	free(parent);
	free(in);
	free(under);
	free(file);
	free(deep);
	unit_rmtree(dir);
	free(dir);
}

static void test_atomic_write(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/r.json", dir);
	CU_ASSERT_EQUAL(write_file_atomic(path, "one", 3), 0);
	CU_ASSERT_EQUAL(write_file_atomic(path, "second", 6), 0);
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 100, &b), 0);
	CU_ASSERT_STRING_EQUAL(b.p, "second");
	buf_release(&b);
	/* a directory that is not there: error, nothing written */
	char *bad = xasprintf("%s/missing/r.json", dir);
	unit_stderr_begin();
	CU_ASSERT_EQUAL(write_file_atomic(bad, "x", 1), -1);
	char *msg = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot write"));
	free(msg);
	/* too large for read_file's limit */
	unit_stderr_begin();
	CU_ASSERT_EQUAL(read_file(path, 3, &b), -1);
	msg = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "larger than"));
	free(msg);
	buf_release(&b);
	free(bad);
	free(path);
	unit_rmtree(dir);
	free(dir);
}


/* A file of n bytes 'a'..'z' over and over (never a NUL). */
static void write_pattern(const char *path, size_t n)
{
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	CU_ASSERT_EQUAL(write_file_atomic(path, text, n), 0);
	free(text);
}

static int is_pattern(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)('a' + i % 26))
			return 0;
	return p[n] == '\0';
}

/*
 * file_text_load: the text whole and NUL-terminated whichever way it came;
 * mapped exactly when a regular file's size does not end on a page (a size
 * that does would leave no NUL after the mapping), read otherwise.
 */
static void test_file_text(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const struct {
		size_t size;
		int mapped;
	} cases[] = {
		{ 1, 1 }, { 100, 1 }, { page - 1, 1 }, { page, 0 }, { page + 1, 1 },
		{ 3 * page, 0 }, { 5 * page + 7, 1 },
	};
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/t.json", dir);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		write_pattern(path, cases[i].size);
		struct file_text t;
		CU_ASSERT_EQUAL_FATAL(file_text_load(path, 1 << 20, &t), 0);
		CU_ASSERT_EQUAL(t.len, cases[i].size);
		CU_ASSERT(is_pattern(t.p, t.len));
		CU_ASSERT_EQUAL(t.map != NULL, cases[i].mapped);
		file_text_release(&t);
	}
	/* an empty file, read */
	CU_ASSERT_EQUAL(write_file_atomic(path, "", 0), 0);
	struct file_text t;
	CU_ASSERT_EQUAL(file_text_load(path, 100, &t), 0);
	CU_ASSERT(t.len == 0 && t.p && !*t.p && !t.map);
	file_text_release(&t);
	/* too large, and not there: said as read_file says it */
	const struct {
		const char *path;
		size_t max;
		const char *said;
	} bad[] = {
		{ path, 10, "larger than" },
		{ "/nonexistent/objmem/t.json", 100, "cannot open" },
	};
	write_pattern(path, 100);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		unit_stderr_begin();
		CU_ASSERT_EQUAL(file_text_load(bad[i].path, bad[i].max, &t), -1);
		char *msg = unit_stderr_end();
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].said));
		free(msg);
		file_text_release(&t);
	}
	/*
	 * a FIFO: read as a stream, not mapped, from the one descriptor opened
	 * (a writer that writes and closes at once must not be missed: opened
	 * twice, the reader waited for ever when the writer was done before
	 * the first descriptor was closed: which runs first is the
	 * scheduler's, so 20 tries). Each read is in a child given 10 s: a
	 * wait is a failure here, never a hung test.
	 */
	char *fifo = xasprintf("%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	int stuck = 0, wrong = 0;
	for (int try = 0; try < 20 && !stuck; try++) {
		pid_t writer = fork();
		if (writer == 0) {
			int fd = open(fifo, O_WRONLY);
			free(fifo), free(path), free(dir);   /* nothing left for valgrind to call lost */
			_exit(fd >= 0 && write(fd, "abc", 3) == 3 ? 0 : 1);
		}
		pid_t reader = fork();
		if (reader == 0) {
			alarm(10);
			sched_yield();
			struct file_text ft;
			int ok = !file_text_load(fifo, 100, &ft) && ft.len == 3 && !strcmp(ft.p, "abc") &&
				 !ft.map;
			file_text_release(&ft);
			free(fifo), free(path), free(dir);
			_exit(ok ? 0 : 1);
		}
		int status = 0;
		waitpid(reader, &status, 0);
		stuck += WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM;
		wrong += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		if (stuck)
			kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
	}
	if (stuck)
		fprintf(stderr, "\n  reading a FIFO whose writer had gone waited 10 s\n");
	CU_ASSERT_EQUAL(wrong, 0);
	free(fifo);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/*
 * A mapped file cut short while it is read: a message and exit 2, not a
 * crash (in a child: the handler ends the process).
 */
static void test_file_text_cut_short(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/t.json", dir);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	write_pattern(path, 4 * page + 10);
	int err[2];
	CU_ASSERT_EQUAL_FATAL(pipe(err), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(err[1], STDERR_FILENO);
		struct file_text t;
		if (file_text_load(path, 1 << 20, &t) || !t.map)
			_exit(3);
		if (truncate(path, 0))
			_exit(4);
		volatile char c = t.p[3 * page];   /* past the end now: SIGBUS */
		(void)c;
		_exit(0);
	}
	close(err[1]);
	char said[512] = "";
	ssize_t n = read(err[0], said, sizeof(said) - 1);
	said[n > 0 ? n : 0] = '\0';
	close(err[0]);
	int status;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(said, "cut short"));
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* write_file_atomic_v: the pieces, in order, as one file. */
static void test_atomic_write_pieces(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/r.json", dir);
	char a[] = "{", b0[] = "", c[] = "\"a\": 1", d[] = "}\n";
	struct iovec piece[] = { { a, 1 }, { b0, 0 }, { c, 6 }, { d, 2 } };
	CU_ASSERT_EQUAL(write_file_atomic_v(path, piece, ARRAY_SIZE(piece)), 0);
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 100, &b), 0);
	CU_ASSERT_STRING_EQUAL(b.p, "{\"a\": 1}\n");
	buf_release(&b);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* Names in dir other than "." and "..", one string ("a b "), for what a write left behind. */
static char *dir_names(const char *dir)
{
	struct buf b = BUF_INIT;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			buf_addf(&b, "%s ", e->d_name);
	if (d)
		closedir(d);
	buf_addstr(&b, "");
	return buf_detach(&b);
}

/*
 * file_replace as a stream: pieces of every size (across the megabytes at
 * which writing back is started) land in order; a rewrite keeps the mode;
 * abandon leaves the old file and no temporary one. A write that fails
 * (the file size limit, in a child) is said by the commit, and the old file
 * is left as it was.
 */
static void test_file_replace(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/r.json", dir);
	const size_t sizes[] = { 0, 1, 4095, 4096, 65537, 1 << 20, (1 << 20) + 1, 3 << 20 };
	struct buf want = BUF_INIT, got = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		buf_reset(&want);
		for (size_t k = 0; k < sizes[i]; k++)
			buf_add(&want, (const char *)"0123456789abcdef" + (k * 7 + i) % 16, 1);
		struct file_replace f;
		CU_ASSERT_EQUAL_FATAL(file_replace_open(&f, path), 0);
		for (size_t at = 0, step = 1; at < want.len; at += step, step = step * 3 % 70001 + 1)
			file_replace_write(&f, want.p + at, at + step > want.len ? want.len - at : step);
		CU_ASSERT_EQUAL(file_replace_commit(&f), 0);
		CU_ASSERT_EQUAL(read_file(path, 8 << 20, &got), 0);
		CU_ASSERT(got.len == want.len && (!want.len || !memcmp(got.p, want.p, want.len)));
		buf_release(&got);
	}
	/* a rewrite keeps the mode */
	CU_ASSERT_EQUAL(chmod(path, 0600), 0);
	CU_ASSERT_EQUAL(write_file_atomic(path, "kept", 4), 0);
	struct stat st;
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	/* abandoned: the old file as it was, no temporary one */
	struct file_replace f;
	CU_ASSERT_EQUAL_FATAL(file_replace_open(&f, path), 0);
	file_replace_write(&f, "never", 5);
	file_replace_abandon(&f);
	CU_ASSERT_EQUAL(read_file(path, 100, &got), 0);
	CU_ASSERT_STRING_EQUAL(got.p, "kept");
	buf_release(&got);
	char *names = dir_names(dir);
	CU_ASSERT_STRING_EQUAL(names, "r.json ");
	free(names);
	/* a write that fails: the commit says so, the old file is left */
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = { 100000, 100000 };
		setrlimit(RLIMIT_FSIZE, &lim);
		int rc = file_replace_open(&f, path);
		for (int k = 0; !rc && k < 100; k++)
			file_replace_write(&f, want.p, 4096);
		rc = rc ? 10 : file_replace_commit(&f) == -1 ? 0 : 11;
		buf_release(&want);
		free(path);
		free(dir);
		_exit(rc);
	}
	int status = -1;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_EQUAL(read_file(path, 100, &got), 0);
	CU_ASSERT_STRING_EQUAL(got.p, "kept");
	buf_release(&got);
	names = dir_names(dir);
	CU_ASSERT_STRING_EQUAL(names, "r.json ");
	free(names);
	/* not a regular file: refused before anything is written */
	unit_stderr_begin();
	CU_ASSERT_EQUAL(file_replace_open(&f, dir), -1);
	char *msg = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "a directory"));
	free(msg);
	buf_release(&want);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

/* The VmFlags of the mapping holding p ("" when not found). */
static void vm_flags_of(const void *p, char *out, size_t n)
{
	*out = '\0';
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return;
	char line[512];
	int inside = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (inside && !strncmp(line, "VmFlags:", 8)) {
			size_t len = strlen(line + 8);
			if (len >= n)
				len = n - 1;
			memcpy(out, line + 8, len);
			out[len] = '\0';
			break;
		}
	}
	fclose(f);
}

/* Large blocks from the x* allocators are marked for huge pages; small ones are not touched. */
static void test_huge_hint(void)
{
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
		fprintf(stderr, "note: no transparent huge pages in this kernel: the hint is not "
			"checked\n");
		return;
	}
	char flags[256];
	char *big = xmalloc(MEM_HUGE_FROM * 2);
	vm_flags_of(big + MEM_HUGE_FROM, flags, sizeof(flags));
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, " hg"));
	size_t alloc = 0;
	char *grown = NULL;
	xgrow((void **)&grown, 1, MEM_HUGE_FROM * 3, &alloc);
	vm_flags_of(grown + MEM_HUGE_FROM, flags, sizeof(flags));
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, " hg"));
	free(grown);
	free(big);
}

/*
 * cpus_usable follows the affinity mask (taskset, a cpuset), not the CPUs
 * online: in a forked child held to one CPU it says 1.
 */
static void test_cpus_usable(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus_usable();
	CU_ASSERT(n >= 1 && n <= online);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			_exit(2);
		_exit(cpus_usable() == 1 ? 0 : 1);
	}
	int st;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT(worker_threads(64) == (size_t)n || (size_t)n > 64);
}

static const struct unit_test tests[] = {
	{ "strvec env", test_strvec_env },
	{ "edit distance", test_edit_distance },
	{ "mkdir -p and the parent of a file", test_mkdir_p },
	{ "atomic write", test_atomic_write },
	{ "atomic write of pieces", test_atomic_write_pieces },
	{ "a file replaced as a stream", test_file_replace },
	{ "file text: mapped or read", test_file_text },
	{ "file text cut short while read", test_file_text_cut_short },
	{ "huge pages hinted for large blocks", test_huge_hint },
	{ "usable CPUs: the affinity mask", test_cpus_usable },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("util", tests) };
	return unit_main(argv[0], suites, 1);
}
