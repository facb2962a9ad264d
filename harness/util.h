/*
 * util.h - small shared helpers: error reporting, checked allocation,
 * string vectors, growable buffers, files and directories.
 *
 * Errors follow one scheme: error() prints "error: ..." on stderr and returns
 * -1, so callers write `return error("cannot read '%s': %s", path, ...)`.
 * warning() prints "warning: ...". die() prints "fatal: ..." and exits 2.
 * Functions that cannot fail (they die on out-of-memory) start with x.
 */
#ifndef OBJMEM_UTIL_H
#define OBJMEM_UTIL_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A broken invariant: "BUG: file:line: ..." and abort. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
NORETURN void bug_at(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * Ask the kernel for huge pages under a block of at least MEM_HUGE_FROM
 * bytes (madvise MADV_HUGEPAGE over its whole pages; a hint, no error when
 * refused). The x* allocators above call it: a results file of 10k cells
 * is tens of megabytes of fresh memory, and a fault per 4 KiB page is most
 * of the time a command spends on it where faults are dear (a VM).
 */
#define MEM_HUGE_FROM ((size_t)4 << 20)
void mem_hint_huge(void *p, size_t n);

/* Grow *p (an array of elem-sized items holding *alloc) to hold need items. */
void xgrow(void **p, size_t elem, size_t need, size_t *alloc);

/* A NULL-terminated vector of owned strings, usable as an argv or envp. */
struct strvec {
	char **v;
	size_t n;
	size_t alloc;
};
#define STRVEC_INIT { NULL, 0, 0 }
void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_copy(struct strvec *dst, const struct strvec *src);
void strvec_clear(struct strvec *sv);
/* Index of the entry equal to s, or -1. */
long strvec_find(const struct strvec *sv, const char *s);
/* The same strings in the same order. */
int strvec_equal(const struct strvec *a, const struct strvec *b);
/* For "KEY=VALUE" vectors: set (replace or append) KEY to VALUE. */
void strvec_setenv(struct strvec *sv, const char *key, const char *value);
/* For "KEY=VALUE" vectors: the value of KEY or NULL. */
const char *strvec_getenv(const struct strvec *sv, const char *key);

/* A growable NUL-terminated byte buffer. */
struct buf {
	char *p;
	size_t len;
	size_t alloc;
};
#define BUF_INIT { NULL, 0, 0 }
/* Room for n more bytes and the NUL (the slow path of buf_add). */
void buf_grow(struct buf *b, size_t n);
/* n bytes of data at the end, NUL-terminated; inline: the writers call it per token. */
static inline void buf_add(struct buf *b, const void *data, size_t n)
{
	if (!b->p || b->alloc - b->len <= n)
		buf_grow(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}
/* inline too: a literal's length is then known where it is written */
static inline void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Detach the string; the buffer is left empty. Never NULL. */
char *buf_detach(struct buf *b);

/*
 * From here on, this thread's error() and warning() lines go into b
 * instead of stderr (NULL: to stderr again), for a worker whose messages
 * are printed later, in order, or not at all. die() still prints.
 * Returns the capture it replaces, for the caller to put back.
 */
struct buf *report_capture(struct buf *b);
/* Text of captured messages (NULL: nothing) said now: into this thread's capture, or stderr. */
void report_text(const char *text);

/* qsort's comparison of two uint64_t, ascending. */
int cmp_u64(const void *a, const void *b);

/*
 * FNV-1a, 64 bits, over n bytes, continuing from h (FNV1A_INIT to start):
 * the one hash of names, keys and file texts (keymap, shards, locks, caches).
 */
#define FNV1A_INIT 1469598103934665603ULL
static inline uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Threads worth starting for work that splits: the CPUs usable, 1 to most. */
/* The CPUs this process may run on (its affinity mask: taskset, a cpuset),
 * else those online; at least 1. */
int cpus_usable(void);
size_t worker_threads(size_t most);

/* Write all len bytes (retrying short writes and EINTR); 0, or -1 with errno set. */
int write_all(int fd, const char *p, size_t len);
/* Read a whole file (at most max bytes) into a NUL-terminated string. */
int read_file(const char *path, size_t max, struct buf *out);

/*
 * A whole file's text, NUL-terminated, for reading only: a regular file
 * mapped from the page cache (no copy, no fresh memory: reading a 10 MB
 * results file this way takes a millisecond where read() into new pages
 * takes tens), anything else (a FIFO, a size that ends on a page, where
 * the mapping would have no NUL after it) read as read_file does. A mapped
 * file cut short by another program while it is read raises SIGBUS, which
 * file_text_load makes a message and exit 2 rather than a crash.
 */
struct file_text {
	const char *p;
	size_t len;
	void *map;          /* the mapping, or NULL when read */
	size_t map_len;
	struct buf read;
};
int file_text_load(const char *path, size_t max, struct file_text *t);
void file_text_release(struct file_text *t);
/*
 * Write data to path through path.tmp.PID, fsync and rename, so readers see
 * either the old file or the new one, never a part. Returns 0 or -1 with
 * an error already printed.
 */
int write_file_atomic(const char *path, const char *data, size_t len);
/* The same, of the n pieces of a text (written in order, never joined in memory). */
struct iovec;
int write_file_atomic_v(const char *path, const struct iovec *piece, size_t n);
/*
 * The same as a stream, for a text made as it is written: file_replace_open
 * (0, or -1 said: nothing to release), file_replace_write as often as
 * needed, then file_replace_commit (fsync, rename, the directory's fsync; 0,
 * or -1 said, the old file left as it was) or file_replace_abandon (the
 * temporary file removed, the old one untouched). A write that fails is
 * remembered and said by the commit. The kernel is told to start writing
 * each megabyte as it comes, so the commit's fsync waits for the tail only.
 */
struct file_replace {
	int fd;
	int err;                 /* the first errno of a write, or 0 */
	char *shown, *path, *tmp; /* as given, with links followed, the temporary file */
	off_t written, flushed;  /* bytes written; bytes whose writeback was started */
};
int file_replace_open(struct file_replace *f, const char *path);
void file_replace_write(struct file_replace *f, const void *p, size_t n);
int file_replace_commit(struct file_replace *f);
void file_replace_abandon(struct file_replace *f);
/*
 * The file a write to path lands in: path with its symbolic links followed
 * (a dangling one too, to where it points). write_file_atomic writes there,
 * keeps an existing file's mode, and refuses anything but a regular file
 * (a device, FIFO, socket or directory would be replaced).
 */
char *resolve_output_path(const char *path);

/*
 * Make dir and its parents (like mkdir -p) and check that it is a writable
 * directory. Returns 0, or -1 with "error: cannot ..." printed.
 */
int mkdir_p(const char *dir);
/* Make the directory that will hold the file path (mkdir -p of its dirname). */
int mkdir_parent(const char *path);

/* Monotonic seconds. */
double now_s(void);
/* UTC time as "2026-01-02T03:04:05Z" into out (at least 21 bytes). */
void utc_timestamp(char *out, size_t n);

/* Directory of the running executable, with a trailing component removed. */
char *self_dir(void);
/* Levenshtein distance, for "did you mean" suggestions. */
size_t edit_distance(const char *a, const char *b);
/* The candidate nearest to name, if near enough to suggest (a third of its
 * length, at least 2 edits); NULL if none is. */
const char *closest_name(const char *name, const char *const *cands, size_t n);

#endif
