/* util.c - shared helpers; see util.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static __thread struct buf *captured; /* report_capture's buffer, or NULL */

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (captured)
		buf_addf(captured, "%s%s\n", prefix, msg);
	else
		fprintf(stderr, "%s%s\n", prefix, msg);
}

struct buf *report_capture(struct buf *b)
{
	struct buf *was = captured;
	captured = b;
	return was;
}

void report_text(const char *text)
{
	if (!text)
		return;
	if (captured)
		buf_addstr(captured, text);
	else
		fputs(text, stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	captured = NULL; /* the last words are never held back */
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(2);
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory allocating %zu bytes", n);
	mem_hint_huge(p, n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	mem_hint_huge(p, nmemb * size); /* calloc has checked the product */
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory allocating %zu bytes", n);
	mem_hint_huge(q, n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	if ((size_t)n < sizeof(tmp))
		return xstrdup(tmp);
	b.p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b.p;
}

void mem_hint_huge(void *p, size_t n)
{
	if (n < MEM_HUGE_FROM)
		return;
	/* the whole pages of the block, so its mapping is not split in three */
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(page - 1);
	uintptr_t e = ((uintptr_t)p + n + page - 1) & ~(page - 1);
	(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

void xgrow(void **p, size_t elem, size_t need, size_t *alloc)
{
	if (need <= *alloc)
		return;
	size_t n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			die("out of memory growing an array to %zu items", need);
		n *= 2;
	}
	*p = xrealloc(*p, n * elem);
	*alloc = n;
}

void strvec_init(struct strvec *sv)
{
	sv->v = NULL;
	sv->n = 0;
	sv->alloc = 0;
}

void strvec_push_nodup(struct strvec *sv, char *s)
{
	xgrow((void **)&sv->v, sizeof(*sv->v), sv->n + 2, &sv->alloc);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	strvec_push_nodup(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	if ((size_t)n < sizeof(tmp)) {
		strvec_push(sv, tmp);
		return;
	}
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	strvec_push_nodup(sv, p);
}

void strvec_copy(struct strvec *dst, const struct strvec *src)
{
	strvec_init(dst);
	for (size_t i = 0; i < src->n; i++)
		strvec_push(dst, src->v[i]);
}

void strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	strvec_init(sv);
}

int strvec_equal(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

long strvec_find(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return (long)i;
	return -1;
}

static long env_index(const struct strvec *sv, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < sv->n; i++)
		if (!strncmp(sv->v[i], key, klen) && sv->v[i][klen] == '=')
			return (long)i;
	return -1;
}

void strvec_setenv(struct strvec *sv, const char *key, const char *value)
{
	char *kv = xasprintf("%s=%s", key, value);
	long i = env_index(sv, key);
	if (i >= 0) {
		free(sv->v[i]);
		sv->v[i] = kv;
	} else {
		strvec_push_nodup(sv, kv);
	}
}

const char *strvec_getenv(const struct strvec *sv, const char *key)
{
	long i = env_index(sv, key);
	return i < 0 ? NULL : sv->v[i] + strlen(key) + 1;
}

void buf_grow(struct buf *b, size_t n)
{
	xgrow((void **)&b->p, 1, b->len + n + 1, &b->alloc);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	/* straight into the room left, at least 64 bytes; again only when it did not fit */
	xgrow((void **)&b->p, 1, b->len + 64, &b->alloc);
	size_t room = b->alloc - b->len;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	if ((size_t)n >= room) {
		xgrow((void **)&b->p, 1, b->len + (size_t)n + 1, &b->alloc);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->alloc = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->p ? b->p : xstrdup("");
	b->p = NULL;
	b->len = b->alloc = 0;
	return p;
}

/* read_file's reading, from fd (path opened, closed here). */
static int read_opened(int fd, const char *path, size_t max, struct buf *out)
{
	/* a regular file's size is known: one allocation, read in place */
	struct stat st;
	size_t chunk = 65536;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < max)
		chunk = (size_t)st.st_size + 1; /* +1: the end is seen in one more read */
	for (;;) {
		xgrow((void **)&out->p, 1, out->len + chunk + 1, &out->alloc);
		ssize_t n = read(fd, out->p + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return error("cannot read '%s': %s", path, strerror(e));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > max) {
			close(fd);
			return error("'%s' is larger than %zu bytes: is it the right file?", path, max);
		}
		chunk = 65536;
	}
	close(fd);
	out->p[out->len] = '\0';
	return 0;
}

int read_file(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	return read_opened(fd, path, max, out);
}

static void sigbus_said(int sig)
{
	static const char msg[] = "objmem: a file being read was cut short by another program "
				  "(SIGBUS): run the command again once it is written\n";
	(void)sig;
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(2);
}

int file_text_load(const char *path, size_t max, struct file_text *t)
{
	memset(t, 0, sizeof(*t));
	t->read = (struct buf)BUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= max && (size_t)st.st_size % page) {
		size_t n = (size_t)st.st_size;
		void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (m != MAP_FAILED) {
			static int handled;
			if (!__atomic_exchange_n(&handled, 1, __ATOMIC_SEQ_CST)) {
				struct sigaction sa;
				memset(&sa, 0, sizeof(sa));
				sa.sa_handler = sigbus_said;
				sigemptyset(&sa.sa_mask);
				sigaction(SIGBUS, &sa, NULL);
			}
			close(fd);
			/* the rest of the last page reads as zeros: the NUL after the text */
			t->map = m;
			t->map_len = n;
			t->p = m;
			t->len = n;
			return 0;
		}
	}
	/*
	 * read from this very descriptor: opening a FIFO again would wait for
	 * a writer that may have written its text and gone (lost with the
	 * first descriptor), for ever
	 */
	if (read_opened(fd, path, max, &t->read))
		return -1;
	t->p = t->read.p;
	t->len = t->read.len;
	return 0;
}

void file_text_release(struct file_text *t)
{
	if (t->map)
		munmap(t->map, t->map_len);
	buf_release(&t->read);
	memset(t, 0, sizeof(*t));
}

int cpus_usable(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : (int)cpus;
}

size_t worker_threads(size_t most)
{
	size_t n = (size_t)cpus_usable();
	return n > most ? (most ? most : 1) : n;
}

int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *resolve_output_path(const char *path)
{
	char *cur = xstrdup(path);
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		char target[PATH_MAX];
		ssize_t n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return cur;
		target[n] = '\0';
		char *next;
		const char *slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = xstrdup(target);
		else   /* relative to the link's own directory */
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
		free(cur);
		cur = next;
	}
	return cur;   /* a loop: the open below says so */
}

/* What kind of file st is, for a message. */
static const char *file_kind(const struct stat *st)
{
	return S_ISDIR(st->st_mode) ? "a directory" : S_ISCHR(st->st_mode) ? "a character device"
		: S_ISBLK(st->st_mode) ? "a block device" : S_ISFIFO(st->st_mode) ? "a FIFO"
		: S_ISSOCK(st->st_mode) ? "a socket" : "not a regular file";
}

/*
 * Start the kernel writing what was added since the last call, at most
 * every FILE_REPLACE_FLUSH bytes: the fsync at the commit then waits for
 * the tail, not the whole file. A hint: an error here is the fsync's to say.
 */
enum { FILE_REPLACE_FLUSH = 1 << 20 };

static void start_writeback(struct file_replace *f)
{
	if (f->written - f->flushed < FILE_REPLACE_FLUSH)
		return;
	(void)sync_file_range(f->fd, f->flushed, f->written - f->flushed, SYNC_FILE_RANGE_WRITE);
	f->flushed = f->written;
}

int file_replace_open(struct file_replace *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->shown = xstrdup(path);
	f->path = resolve_output_path(path);
	struct stat st;
	int exists = stat(f->path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		error("cannot write '%s': it is %s, and objmem writes only regular files (it would "
		      "replace it); choose another path", path, file_kind(&st));
		file_replace_abandon(f);
		return -1;
	}
	f->tmp = xasprintf("%s.tmp.%ld", f->path, (long)getpid());
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int e = errno;
		error("cannot write '%s': %s (is the directory there and writable?)", f->tmp,
		      strerror(e));
		free(f->tmp);
		f->tmp = NULL; /* nothing to remove */
		file_replace_abandon(f);
		return -1;
	}
	/* a rewrite keeps the file's mode */
	if (exists && fchmod(f->fd, st.st_mode & 07777))
		f->err = errno;
	return 0;
}

void file_replace_write(struct file_replace *f, const void *p, size_t n)
{
	if (f->err || !n)
		return;
	if (write_all(f->fd, p, n)) {
		f->err = errno;
		return;
	}
	f->written += (off_t)n;
	start_writeback(f);
}

int file_replace_commit(struct file_replace *f)
{
	if (!f->err && fsync(f->fd))
		f->err = errno;
	if (!f->err && close(f->fd))
		f->err = errno;
	else if (f->err)
		close(f->fd);
	f->fd = -1;
	if (f->err) {
		error("cannot write '%s': %s; '%s' was left as it was", f->tmp, strerror(f->err),
		      f->shown);
		file_replace_abandon(f);
		return -1;
	}
	if (rename(f->tmp, f->path)) {
		int e = errno;
		error("cannot rename '%s' to '%s': %s", f->tmp, f->path, strerror(e));
		file_replace_abandon(f);
		return -1;
	}
	/* the rename is durable once the directory is */
	char *slash = strrchr(f->path, '/');
	if (slash)
		*(slash == f->path ? slash + 1 : slash) = '\0';
	int dfd = open(slash ? f->path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(f->tmp);
	f->tmp = NULL; /* renamed: nothing to remove */
	file_replace_abandon(f);
	return 0;
}

void file_replace_abandon(struct file_replace *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	free(f->shown);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
	struct iovec one = { (void *)data, len };
	return write_file_atomic_v(path, &one, 1);
}

int write_file_atomic_v(const char *path, const struct iovec *piece, size_t n)
{
	struct file_replace f;
	if (file_replace_open(&f, path))
		return -1;
	for (size_t i = 0; i < n; i++)
		file_replace_write(&f, piece[i].iov_base, piece[i].iov_len);
	return file_replace_commit(&f);
}

double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void utc_timestamp(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *self_dir(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return xstrdup(".");
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(path);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

const char *closest_name(const char *name, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	size_t len = strlen(name);
	return best && best_d <= (len < 6 ? 2 : len / 3 + 1) ? best : NULL;
}

int mkdir_p(const char *dir)
{
	if (!*dir)
		return error("the output directory is an empty string");
	char *path = xstrdup(dir);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			int e = errno;
			error("cannot create directory '%s': %s", path, strerror(e));
			free(path);
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	free(path);
	struct stat st;
	if (stat(dir, &st) < 0)
		return error("cannot use '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return error("cannot write into '%s': not a directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		return error("cannot write into '%s': %s; pick another directory", dir,
			     strerror(errno));
	return 0;
}

int mkdir_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	int rc = mkdir_p(dir);
	free(dir);
	return rc;
}

int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}
