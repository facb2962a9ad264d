/*
 * procmem.c - reading a live process's memory from /proc; see procmem.h.
 *
 * Every file is parsed as a stream of lines: a reader feeds chunks of any
 * size (one read() at a time, or a whole fixture at once) to a line splitter
 * that hands complete lines to a parser. Nothing is allocated per call and
 * a large smaps (hundreds of KB) never has to fit in one buffer.
 *
 * Rules shared by the live reads and the pure parsers, so a fixture parses
 * exactly as the same bytes read from /proc would:
 * - A line is the bytes before a '\n'. A final line without '\n' is not
 *   there: the kernel always ends its files with a newline, so a missing
 *   one means the text was cut, and half a number must never be read as a
 *   smaller number. If that line held a value we need, the record misses it
 *   and the parse fails.
 * - A line longer than PM_LINE_MAX is skipped, not misread. It still counts
 *   by its first PM_LINE_MAX bytes: a mapping header with a long path still
 *   starts a new mapping, and an overlong line of a field we use is an
 *   error ("overlong 'Pss:' line"), never a silently missing value.
 * - A field matches on its exact name followed by ':' at the start of the
 *   line, so "Pss:" never matches "Pss_Anon:", "Pss_Dirty:" or "SwapPss:".
 *   The value is decimal digits and the unit "kB", nothing else (no sign,
 *   no hex, no other unit); it must fit 64 bits once in bytes.
 * - smaps and smaps_rollup are the same format: records that each start
 *   with a mapping header ("start-end perms ..."), whose fields are summed.
 *   Every record must have Rss, Pss, Private_Clean, Private_Dirty,
 *   Anonymous and Swap exactly once (all present since Linux 2.6.32);
 *   Private_Hugetlb (4.4) counts as 0 when absent. Lines before the first
 *   header form a record only if they hold a field we use, so bare field
 *   lists (hand-written fixtures) parse too.
 *
 * Fuzzing: procmem_parse_smaps and procmem_parse_status are pure functions
 * of (text, len) with no I/O, no allocation and no global state, and text
 * need not be NUL-terminated, so a libFuzzer target is just
 *     int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
 *         struct mem_sample s; const char *why;
 *         procmem_parse_smaps((const char *)d, n, &s, &why);
 *         return 0; }
 * To exercise the chunk boundaries too, feed the same text through
 * struct lines in random pieces (see lines_feed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmem.h"

/* Longest line we parse; longer ones are skipped (see above). */
#define PM_LINE_MAX 512
/* read() chunk for the live files; status fits in one, smaps streams. */
#define PM_READ_CHUNK 16384

/* ---- line splitter ------------------------------------------------------ */

/* Returns 0 to go on, -1 to stop (the parser has recorded why). */
typedef int (*line_fn)(void *ctx, const char *line, size_t len, int overlong);

struct lines {
	line_fn fn;
	void *ctx;
	size_t len;     /* bytes held in carry: a line split across chunks */
	int overlong;   /* the carried line passed PM_LINE_MAX */
	char carry[PM_LINE_MAX];
};

static void lines_init(struct lines *l, line_fn fn, void *ctx)
{
	l->fn = fn;
	l->ctx = ctx;
	l->len = 0;
	l->overlong = 0;
}

static int lines_feed(struct lines *l, const char *data, size_t n)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		int r = 0;

		if (nl && !l->len && !l->overlong) {
			/* The common case: the whole line is in this chunk. */
			if (take > PM_LINE_MAX)
				r = l->fn(l->ctx, data, PM_LINE_MAX, 1);
			else
				r = l->fn(l->ctx, data, take, 0);
		} else {
			size_t room = PM_LINE_MAX - l->len;
			if (take > room) {
				memcpy(l->carry + l->len, data, room);
				l->len = PM_LINE_MAX;
				l->overlong = 1;
			} else {
				memcpy(l->carry + l->len, data, take);
				l->len += take;
			}
			if (nl) {
				r = l->fn(l->ctx, l->carry, l->len, l->overlong);
				l->len = 0;
				l->overlong = 0;
			}
		}
		if (r)
			return -1;
		if (!nl)
			break;
		data = nl + 1;
		n -= take + 1;
	}
	return 0;
}

/* A final line without '\n' is dropped: see the file comment. */
static void lines_finish(struct lines *l)
{
	l->len = 0;
	l->overlong = 0;
}

/* ---- values ---------------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "   1234 kB" (after the field name) into bytes. */
static int parse_kb(const char *p, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < n && is_blank(p[i]))
		i++;
	size_t digits = i;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		unsigned d = (unsigned)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i == digits)
		return -1;
	while (i < n && is_blank(p[i]))
		i++;
	if (n - i < 2 || p[i] != 'k' || p[i + 1] != 'B')
		return -1;
	for (i += 2; i < n; i++)
		if (!is_blank(p[i]))
			return -1;
	if (v > UINT64_MAX / 1024)
		return -1;
	*out = v * 1024;
	return 0;
}

/* Static messages per field, so *why never needs a buffer. */
struct field {
	const char *name;       /* "Rss:" */
	size_t len;
	int required;
	const char *bad, *missing, *dup, *overlong;
};

#define FIELD(n, req) { n ":", sizeof(n ":") - 1, req, \
	"bad number in '" n ":' line", "no '" n ":' line", \
	"duplicate '" n ":' line", "overlong '" n ":' line" }

/* The field of this line, or -1. */
static int match_field(const struct field *f, size_t nf, const char *line, size_t len)
{
	for (size_t i = 0; i < nf; i++)
		if (len >= f[i].len && !memcmp(line, f[i].name, f[i].len))
			return (int)i;
	return -1;
}

/* ---- smaps / smaps_rollup ------------------------------------------------------ */

enum { SF_RSS, SF_PSS, SF_PRIV_CLEAN, SF_PRIV_DIRTY, SF_PRIV_HUGETLB,
       SF_ANON, SF_SWAP, SF_COUNT };

static const struct field smaps_fields[SF_COUNT] = {
	[SF_RSS] = FIELD("Rss", 1),
	[SF_PSS] = FIELD("Pss", 1),
	[SF_PRIV_CLEAN] = FIELD("Private_Clean", 1),
	[SF_PRIV_DIRTY] = FIELD("Private_Dirty", 1),
	[SF_PRIV_HUGETLB] = FIELD("Private_Hugetlb", 0),
	[SF_ANON] = FIELD("Anonymous", 1),
	[SF_SWAP] = FIELD("Swap", 1),
};

struct smaps_ctx {
	uint64_t sum[SF_COUNT];
	unsigned seen;          /* fields seen in the current record */
	int in_header_record;   /* the current record began with a header */
	int records;            /* records checked complete */
	const char *why;
};

/* "55ec61ed3000-7fff8955a000 r--p ...": lowercase hex, '-', hex, ' '. */
static int is_mapping_header(const char *line, size_t len)
{
	size_t i = 0, start = 0;
	for (int part = 0; part < 2; part++) {
		for (start = i; i < len; i++) {
			char c = line[i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				break;
		}
		if (i == start || i == len || line[i] != (part ? ' ' : '-'))
			return 0;
		i++;
	}
	return 1;
}

static int smaps_end_record(struct smaps_ctx *c)
{
	if (!c->in_header_record && !c->seen)
		return 0;
	for (int f = 0; f < SF_COUNT; f++)
		if (smaps_fields[f].required && !(c->seen & (1u << f))) {
			c->why = smaps_fields[f].missing;
			return -1;
		}
	c->records++;
	c->seen = 0;
	c->in_header_record = 0;
	return 0;
}

static int smaps_line(void *ctx, const char *line, size_t len, int overlong)
{
	struct smaps_ctx *c = ctx;

	if (!len)
		return 0;
	/* Fields start with an uppercase letter, headers with a hex digit. */
	if (line[0] != 'R' && line[0] != 'P' && line[0] != 'A' && line[0] != 'S') {
		if (is_mapping_header(line, len)) {
			if (smaps_end_record(c))
				return -1;
			c->in_header_record = 1;
		}
		return 0;
	}
	int f = match_field(smaps_fields, SF_COUNT, line, len);
	if (f < 0)
		return 0;
	const struct field *fd = &smaps_fields[f];
	uint64_t v;
	if (overlong) {
		c->why = fd->overlong;
		return -1;
	}
	if (c->seen & (1u << f)) {
		c->why = fd->dup;
		return -1;
	}
	if (parse_kb(line + fd->len, len - fd->len, &v) ||
	    __builtin_add_overflow(c->sum[f], v, &c->sum[f])) {
		c->why = fd->bad;
		return -1;
	}
	c->seen |= 1u << f;
	return 0;
}

static void smaps_start(struct smaps_ctx *c, struct lines *l)
{
	memset(c, 0, sizeof(*c));
	lines_init(l, smaps_line, c);
}

static int smaps_finish(struct smaps_ctx *c, struct lines *l, struct mem_sample *out)
{
	lines_finish(l);
	if (smaps_end_record(c))
		return -1;
	if (!c->records) {
		c->why = smaps_fields[SF_RSS].missing;
		return -1;
	}
	uint64_t uss;
	if (__builtin_add_overflow(c->sum[SF_PRIV_CLEAN], c->sum[SF_PRIV_DIRTY], &uss) ||
	    __builtin_add_overflow(uss, c->sum[SF_PRIV_HUGETLB], &uss)) {
		c->why = "private memory overflows 64 bits";
		return -1;
	}
	out->valid = 1;
	out->rss = c->sum[SF_RSS];
	out->pss = c->sum[SF_PSS];
	out->uss = uss;
	out->anon = c->sum[SF_ANON];
	out->swap = c->sum[SF_SWAP];
	out->private_clean = c->sum[SF_PRIV_CLEAN];
	return 0;
}

int procmem_parse_smaps(const char *text, size_t len, struct mem_sample *out,
			const char **why)
{
	struct smaps_ctx c;
	struct lines l;
	const char *ignored;

	if (!why)
		why = &ignored;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	smaps_start(&c, &l);
	if ((len && lines_feed(&l, text, len)) || smaps_finish(&c, &l, out)) {
		memset(out, 0, sizeof(*out));
		*why = c.why;
		return -1;
	}
	return 0;
}

/* ---- status ------------------------------------------------------------------ */

enum { ST_NAME, ST_STATE, ST_HWM, ST_RSS, ST_RSS_ANON, ST_RSS_FILE, ST_SWAP,
       ST_COUNT };

static const struct field status_fields[ST_COUNT] = {
	[ST_NAME] = FIELD("Name", 1),
	[ST_STATE] = FIELD("State", 0),
	[ST_HWM] = FIELD("VmHWM", 0),
	[ST_RSS] = FIELD("VmRSS", 0),
	[ST_RSS_ANON] = FIELD("RssAnon", 0),
	[ST_RSS_FILE] = FIELD("RssFile", 0),
	[ST_SWAP] = FIELD("VmSwap", 0),
};

struct status_ctx {
	struct proc_status *out;
	unsigned seen;
	char state;     /* 'R', 'S', ..., 'Z'; 0 if no State line */
	const char *why;
};

static int status_line(void *ctx, const char *line, size_t len, int overlong)
{
	struct status_ctx *c = ctx;

	/* Only "Name", "State", "Vm*" and "Rss*" matter; skip the rest fast. */
	if (!len || (line[0] != 'N' && line[0] != 'S' && line[0] != 'V' && line[0] != 'R'))
		return 0;
	int f = match_field(status_fields, ST_COUNT, line, len);
	if (f < 0)
		return 0;
	const struct field *fd = &status_fields[f];
	if (overlong && f != ST_NAME) {
		/* A Name line is the comm (15 bytes); overlong means garbage,
		 * but its value is not used, so only fields with numbers fail. */
		c->why = fd->overlong;
		return -1;
	}
	if (c->seen & (1u << f)) {
		c->why = fd->dup;
		return -1;
	}
	c->seen |= 1u << f;

	uint64_t *dst = NULL;
	switch (f) {
	case ST_NAME:
		return 0;
	case ST_STATE: {
		size_t i = fd->len;
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len) {
			c->why = "bad 'State:' line";
			return -1;
		}
		c->state = line[i];
		return 0;
	}
	case ST_HWM:
		dst = &c->out->vm_hwm;
		c->out->have_hwm = 1;
		break;
	case ST_RSS:
		dst = &c->out->vm_rss;
		break;
	case ST_RSS_ANON:
		dst = &c->out->rss_anon;
		c->out->have_rss_anon = 1;
		break;
	case ST_RSS_FILE:
		dst = &c->out->rss_file;
		break;
	case ST_SWAP:
		dst = &c->out->vm_swap;
		break;
	}
	if (parse_kb(line + fd->len, len - fd->len, dst)) {
		c->why = fd->bad;
		return -1;
	}
	return 0;
}

static void status_start(struct status_ctx *c, struct lines *l, struct proc_status *out)
{
	memset(out, 0, sizeof(*out));
	memset(c, 0, sizeof(*c));
	c->out = out;
	lines_init(l, status_line, c);
}

static int status_finish(struct status_ctx *c, struct lines *l)
{
	lines_finish(l);
	if (!(c->seen & (1u << ST_NAME))) {
		c->why = "no 'Name:' line: not a status file";
		return -1;
	}
	return 0;
}

int procmem_parse_status(const char *text, size_t len, struct proc_status *out,
			 const char **why)
{
	struct status_ctx c;
	struct lines l;
	const char *ignored;

	if (!why)
		why = &ignored;
	*why = NULL;
	status_start(&c, &l, out);
	if ((len && lines_feed(&l, text, len)) || status_finish(&c, &l)) {
		memset(out, 0, sizeof(*out));
		*why = c.why;
		return -1;
	}
	return 0;
}

/* ---- live reads ------------------------------------------------------------------ */

int procmem_open(struct procmem *pm, pid_t pid)
{
	char path[32];
	const char *no_rollup = getenv("OBJMEM_NO_ROLLUP");

	pm->dirfd = -1;
	pm->use_rollup = -1;
	pm->force_smaps = no_rollup && !strcmp(no_rollup, "1");
	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%ld", (long)pid);
	pm->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return pm->dirfd < 0 ? -1 : 0;
}

void procmem_close(struct procmem *pm)
{
	if (pm->dirfd >= 0)
		close(pm->dirfd);
	pm->dirfd = -1;
}

int procmem_used_rollup(const struct procmem *pm)
{
	return pm->use_rollup == 1 && !pm->force_smaps;
}

/*
 * Stream fd through l and close it. Returns the bytes read, or -1 with
 * errno set: EINVAL when the parser stopped (its ctx says why).
 */
static ssize_t feed_fd(int fd, struct lines *l)
{
	char chunk[PM_READ_CHUNK];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (lines_feed(l, chunk, (size_t)n)) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
	}
	close(fd);
	return (ssize_t)total;
}

/* Open smaps_rollup, or smaps when the kernel has none (learnt once). */
static int open_smaps(struct procmem *pm)
{
	if (!pm->force_smaps && pm->use_rollup != 0) {
		int fd = openat(pm->dirfd, "smaps_rollup", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			pm->use_rollup = 1;
			return fd;
		}
		if (errno != ENOENT || pm->use_rollup == 1)
			return -1;
		/* ENOENT: an old kernel, or the process is gone; smaps tells. */
	}
	int fd = openat(pm->dirfd, "smaps", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !pm->force_smaps && pm->use_rollup == -1)
		pm->use_rollup = 0;
	return fd;
}

int procmem_sample(struct procmem *pm, struct mem_sample *out, const char **why)
{
	struct smaps_ctx c;
	struct lines l;
	const char *ignored;

	if (!why)
		why = &ignored;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	if (pm->dirfd < 0) {
		*why = "process handle is not open";
		errno = EBADF;
		return -1;
	}
	int fd = open_smaps(pm);
	if (fd < 0) {
		*why = errno == ESRCH || errno == ENOENT ? "process is gone"
			: "cannot open smaps";
		return -1;
	}
	smaps_start(&c, &l);
	ssize_t n = feed_fd(fd, &l);
	if (n < 0) {
		int e = errno;
		*why = e == EINVAL ? c.why
			: e == ESRCH || e == ENOENT ? "process is gone" : "cannot read smaps";
		memset(out, 0, sizeof(*out));
		errno = e;
		return -1;
	}
	if (n == 0) {
		/* A zombie (or a kernel thread) has no memory map left. */
		*why = "process is gone";
		errno = ESRCH;
		return -1;
	}
	if (smaps_finish(&c, &l, out)) {
		memset(out, 0, sizeof(*out));
		*why = c.why;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int procmem_status(struct procmem *pm, struct proc_status *out)
{
	struct status_ctx c;
	struct lines l;

	status_start(&c, &l, out);
	if (pm->dirfd < 0) {
		errno = EBADF;
		return -1;
	}
	int fd = openat(pm->dirfd, "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = feed_fd(fd, &l);
	int bad = n < 0 || status_finish(&c, &l);
	if (!bad && (c.state == 'Z' || c.state == 'X')) {
		/* Exited, not yet reaped: the memory lines are gone. */
		errno = ESRCH;
		bad = 1;
	} else if (bad && n >= 0) {
		errno = EINVAL;
	}
	if (bad) {
		int e = errno;
		memset(out, 0, sizeof(*out));
		errno = e;
		return -1;
	}
	return 0;
}

/* ---- stat and counter files ----------------------------------------------------- */

int procmem_parse_stat(const char *text, size_t len, struct proc_stat *out, const char **why)
{
	char tmp[1024];
	memset(out, 0, sizeof(*out));
	/* the name is the one field that may hold ')': the fields follow the last one */
	const char *close = NULL;
	for (size_t i = 0; i < len; i++)
		if (text[i] == ')')
			close = text + i;
	if (!close) {
		*why = "no ')' after the process name";
		return -1;
	}
	size_t rest = len - (size_t)(close + 1 - text);
	if (rest >= sizeof(tmp))
		rest = sizeof(tmp) - 1;
	memcpy(tmp, close + 1, rest);
	tmp[rest] = '\0';
	int ppid, pgrp, session;
	/* state ppid pgrp session, 15 fields skipped, starttime (field 22) */
	if (sscanf(tmp, " %c %d %d %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		   "%*s %llu", &out->state, &ppid, &pgrp, &session, &out->start_ticks) != 5) {
		*why = "fewer than 22 fields";
		return -1;
	}
	out->ppid = ppid;
	out->pgrp = pgrp;
	out->session = session;
	return 0;
}

int procmem_stat(pid_t pid, struct proc_stat *out)
{
	char path[64], text[1024];
	const char *why;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, text, sizeof(text));
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? e : ESRCH;
		return -1;
	}
	if (procmem_parse_stat(text, (size_t)n, out, &why)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int procmem_parse_counter(const char *text, size_t len, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	for (size_t at = 0; at < len; ) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;
		at += ll + 1;
		if (ll <= klen + 1 || memcmp(line, key, klen) || line[klen] != ' ')
			continue;
		uint64_t v = 0;
		size_t i = klen + 1, digits = 0;
		for (; i < ll && line[i] >= '0' && line[i] <= '9'; i++, digits++) {
			uint64_t d = (uint64_t)(line[i] - '0');
			if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
				return -1;
			v = v * 10 + d;
		}
		if (!digits || i != ll)
			return -1;
		*out = v;
		return 0;
	}
	return -1;
}

ssize_t procmem_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t got = read(fd, buf + n, size - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

long long procmem_oom_kills(void)
{
	char text[16384];
	uint64_t v = 0;
	ssize_t n = procmem_read_text("/proc/vmstat", text, sizeof(text));
	if (n <= 0 || procmem_parse_counter(text, (size_t)n, "oom_kill", &v))
		return -1;
	return (long long)v;
}
