/* cgroup.c - a cgroup per child; see cgroup.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "guard.h"
#include "procmem.h"
#include "util.h"

#define GROUP_PREFIX "objmem-"

/* One place groups can go: objmem's own cgroup in one hierarchy. */
struct place {
	char *base;     /* NULL: no group can be made there (why says why) */
	int memory;     /* the groups made there have the memory controller's files */
	char *why;
};

static pthread_mutex_t cg_lock = PTHREAD_MUTEX_INITIALIZER;
static int cg_discovered;
static struct place cg_v2, cg_v1;
static unsigned long cg_seq;

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Write text to dir/name. 0, or -1 with errno. */
static int write_knob(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)len ? 0 : -1;
}

static int has_knob(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int ok = access(path, W_OK) == 0;
	free(path);
	return ok;
}

/* A whole file, quietly (mountinfo can be long); NULL when unreadable. */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct buf b = BUF_INIT;
	char tmp[8192];
	while (b.len < (16u << 20)) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	buf_add(&b, "", 0);
	return buf_detach(&b);
}

/* ---- where objmem's own cgroup is (pure) ---- */

/* A comma list holds word. */
static int list_has(const char *list, size_t n, const char *word)
{
	size_t wl = strlen(word);
	for (size_t at = 0; at <= n; ) {
		const char *comma = memchr(list + at, ',', n - at);
		size_t len = comma ? (size_t)(comma - (list + at)) : n - at;
		if (len == wl && !memcmp(list + at, word, wl))
			return 1;
		at += len + 1;
	}
	return 0;
}

/* objmem's cgroup path in one hierarchy of /proc/self/cgroup; NULL if absent. */
static char *self_path(const char *self, const char *controller)
{
	for (const char *line = self; line && *line; ) {
		const char *end = strchr(line, '\n');
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		const char *c1 = memchr(line, ':', ll);
		const char *c2 = c1 ? memchr(c1 + 1, ':', ll - (size_t)(c1 + 1 - line)) : NULL;
		if (c2) {
			size_t cl = (size_t)(c2 - c1 - 1);
			int match = controller ? list_has(c1 + 1, cl, controller)
				: cl == 0 && c1 - line == 1 && line[0] == '0';
			if (match)
				return xstrndup(c2 + 1, ll - (size_t)(c2 + 1 - line));
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* A mountinfo field with its octal escapes ("\040" is a space) undone. */
static char *unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[k++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

/*
 * The directory of path in one mountinfo line of the wanted kind, or NULL.
 * Fields: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER.
 */
static char *dir_in_mount(const char *line, size_t ll, const char *path, const char *v1)
{
	const char *f[40];
	size_t fl[40], n = 0;
	for (size_t at = 0; at < ll && n < ARRAY_SIZE(f); ) {
		const char *sp = memchr(line + at, ' ', ll - at);
		size_t len = sp ? (size_t)(sp - (line + at)) : ll - at;
		f[n] = line + at;
		fl[n++] = len;
		at += len + 1;
	}
	size_t dash = 6;
	while (dash < n && !(fl[dash] == 1 && f[dash][0] == '-'))
		dash++;
	if (dash + 3 >= n)
		return NULL;
	const char *type = v1 ? "cgroup" : "cgroup2";
	if (fl[dash + 1] != strlen(type) || memcmp(f[dash + 1], type, fl[dash + 1]) ||
	    (v1 && !list_has(f[dash + 3], fl[dash + 3], v1)))
		return NULL;
	char *root = unescape(f[3], fl[3]), *mp = unescape(f[4], fl[4]), *dir = NULL;
	size_t rl = strcmp(root, "/") ? strlen(root) : 0;
	if (!strncmp(path, root, rl) && (path[rl] == '/' || path[rl] == '\0')) {
		const char *rel = path + rl;
		dir = !strcmp(rel, "/") || !*rel ? xstrdup(mp) : xasprintf("%s%s", mp, rel);
	}
	free(root);
	free(mp);
	return dir;
}

char *cgroup_own_dir(const char *self_cgroup, const char *mountinfo, const char *v1_controller)
{
	char *path = self_path(self_cgroup, v1_controller), *dir = NULL;
	if (!path || path[0] != '/') {
		free(path);
		return NULL;
	}
	for (const char *line = mountinfo; line && *line && !dir; ) {
		const char *end = strchr(line, '\n');
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		dir = dir_in_mount(line, ll, path, v1_controller);
		line = end ? end + 1 : NULL;
	}
	free(path);
	return dir;
}

/* ---- discovery, once per process ---- */

static void remove_dir(const char *dir)
{
	double deadline = now_s() + 2.0;
	while (rmdir(dir)) {
		if (errno == ENOENT)
			return;
		if (errno != EBUSY || now_s() >= deadline) {
			warning("cannot remove cgroup '%s': %s; remove it with rmdir once its "
				"processes have ended", dir, strerror(errno));
			return;
		}
		cgroup_kill_dir(dir, 0.5);
		sleep_s(0.002);
	}
}


/*
 * Kill and remove the groups of an objmem run that has ended: those of
 * owner, or (owner < 0) those of every dead owner, which are only removed
 * when empty: a pid of another namespace may look dead from here.
 */
static void sweep(const char *base, long owner)
{
	DIR *d = opendir(base);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		long who;
		unsigned long n;
		int used = 0;
		if (sscanf(e->d_name, GROUP_PREFIX "%ld-%lu%n", &who, &n, &used) != 2 || e->d_name[used])
			continue;
		if (owner >= 0 ? who != owner
			       : who == (long)getpid() || kill((pid_t)who, 0) == 0 || errno != ESRCH)
			continue;
		char *dir = xasprintf("%s/%s", base, e->d_name);
		if (owner >= 0)
			remove_dir(dir);
		else if (rmdir(dir) && errno == EBUSY)
			warning("cgroup '%s' of an objmem run that ended (pid %ld) still holds "
				"processes: kill the pids in its cgroup.procs, then rmdir it", dir, who);
		free(dir);
	}
	closedir(d);
}

/* Try a test group under base (taken over): can groups be made, what do they have. */
static void probe_place(struct place *pl, char *base, const char *what)
{
	memset(pl, 0, sizeof(*pl));
	if (!base) {
		pl->why = xasprintf("objmem's %s cgroup is not mounted here", what);
		return;
	}
	char *test = xasprintf("%s/" GROUP_PREFIX "%ld-0", base, (long)getpid());
	if (mkdir(test, 0755) && errno != EEXIST) {
		pl->why = xasprintf("cannot create a cgroup under '%s': %s", base, strerror(errno));
		free(test);
		free(base);
		return;
	}
	int v2 = !strcmp(what, "v2");
	pl->memory = has_knob(test, v2 ? "memory.max" : "memory.limit_in_bytes");
	int procs = has_knob(test, "cgroup.procs");
	rmdir(test);
	free(test);
	if (!procs) {
		pl->why = xasprintf("cgroups under '%s' have no writable cgroup.procs", base);
		free(base);
		return;
	}
	pl->base = base;
	sweep(base, -1);
	guard_add_cgroups(base);
}

static void discover(void)
{
	const char *mode = getenv("OBJMEM_CGROUP");
	if (mode && !strcmp(mode, "off")) {
		memset(&cg_v2, 0, sizeof(cg_v2));
		memset(&cg_v1, 0, sizeof(cg_v1));
		cg_v2.why = xstrdup("OBJMEM_CGROUP=off");
		return;
	}
	char *self = slurp("/proc/self/cgroup"), *mounts = slurp("/proc/self/mountinfo");
	probe_place(&cg_v2, self && mounts ? cgroup_own_dir(self, mounts, NULL) : NULL, "v2");
	probe_place(&cg_v1, self && mounts ? cgroup_own_dir(self, mounts, "memory") : NULL,
		    "v1 memory");
	free(self);
	free(mounts);
}

static void ensure_discovered(void)
{
	pthread_mutex_lock(&cg_lock);
	if (!cg_discovered) {
		discover();
		cg_discovered = 1;
	}
	pthread_mutex_unlock(&cg_lock);
}

void cgroup_forget(void)
{
	pthread_mutex_lock(&cg_lock);
	struct place *pls[2] = { &cg_v2, &cg_v1 };
	for (int i = 0; i < 2; i++) {
		free(pls[i]->base);
		free(pls[i]->why);
		memset(pls[i], 0, sizeof(*pls[i]));
	}
	cg_discovered = 0;
	pthread_mutex_unlock(&cg_lock);
}

enum cgroup_memory cgroup_memory_available(void)
{
	ensure_discovered();
	if (cg_v2.base && cg_v2.memory)
		return CGROUP_MEMORY_V2;
	return cg_v1.base && cg_v1.memory ? CGROUP_MEMORY_V1 : CGROUP_MEMORY_NONE;
}

const char *cgroup_memory_name(enum cgroup_memory m)
{
	switch (m) {
	case CGROUP_MEMORY_V2: return "cgroup memory.max";
	case CGROUP_MEMORY_V1: return "cgroup v1 memory.limit_in_bytes";
	default: return NULL;
	}
}

/* ---- one group ---- */

void cgroup_init(struct cgroup *g)
{
	memset(g, 0, sizeof(*g));
	g->join_fd[0] = g->join_fd[1] = -1;
}

int cgroup_active(const struct cgroup *g)
{
	return g->dir || g->mem_dir;
}

/* Make base/objmem-PID-SEQ and open its cgroup.procs; the dir, or NULL with *why. */
static char *make_group(const char *base, unsigned long seq, int *join_fd, char **why)
{
	char *dir = xasprintf("%s/" GROUP_PREFIX "%ld-%lu", base, (long)getpid(), seq);
	if (mkdir(dir, 0755)) {
		*why = xasprintf("cannot create cgroup '%s': %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	char *procs = xasprintf("%s/cgroup.procs", dir);
	*join_fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (*join_fd < 0) {
		*why = xasprintf("cannot open '%s': %s", procs, strerror(errno));
		rmdir(dir);
		free(dir);
		dir = NULL;
	}
	free(procs);
	return dir;
}

/* Set the memory limit files of a group; 0, or -1 with *why. */
static int set_limit(const char *dir, enum cgroup_memory m, uint64_t limit, char **why)
{
	char v[32];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)limit);
	const char *max = m == CGROUP_MEMORY_V2 ? "memory.max" : "memory.limit_in_bytes";
	const char *swap = m == CGROUP_MEMORY_V2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	if (write_knob(dir, max, v)) {
		*why = xasprintf("cannot write %s into '%s/%s': %s", v, dir, max, strerror(errno));
		return -1;
	}
	/* no swap: a cell over its limit is killed, not slowed down and measured low */
	if (has_knob(dir, swap) && write_knob(dir, swap, m == CGROUP_MEMORY_V2 ? "0" : v)) {
		*why = xasprintf("cannot write '%s/%s': %s", dir, swap, strerror(errno));
		return -1;
	}
	/* one OOM kill ends the whole cell, not just its largest process */
	if (m == CGROUP_MEMORY_V2 && has_knob(dir, "memory.oom.group"))
		write_knob(dir, "memory.oom.group", "1");
	return 0;
}

int cgroup_create(struct cgroup *g, uint64_t limit, char **why)
{
	cgroup_init(g);
	*why = NULL;
	ensure_discovered();
	if (!cg_v2.base && !cg_v1.base) {
		*why = cg_v1.why ? xasprintf("no cgroup can be made: %s; %s", cg_v2.why, cg_v1.why)
			: xasprintf("no cgroup can be made: %s", cg_v2.why);
		return -1;
	}
	unsigned long seq = __atomic_add_fetch(&cg_seq, 1, __ATOMIC_RELAXED);
	if (cg_v2.base) {
		g->dir = make_group(cg_v2.base, seq, &g->join_fd[0], why);
		if (!g->dir)
			goto fail;
		if (limit && cg_v2.memory) {
			if (set_limit(g->dir, CGROUP_MEMORY_V2, limit, why))
				goto fail;
			g->memory = CGROUP_MEMORY_V2;
		}
	}
	if (cg_v1.base && (!g->dir || (limit && cg_v1.memory && g->memory == CGROUP_MEMORY_NONE))) {
		g->mem_dir = make_group(cg_v1.base, seq, &g->join_fd[1], why);
		if (!g->mem_dir)
			goto fail;
		if (limit && cg_v1.memory) {
			if (set_limit(g->mem_dir, CGROUP_MEMORY_V1, limit, why))
				goto fail;
			g->memory = CGROUP_MEMORY_V1;
		}
	}
	g->limit = g->memory != CGROUP_MEMORY_NONE ? limit : 0;
	return 0;
fail:
	cgroup_remove(g);
	return -1;
}

int cgroup_join(const struct cgroup *g)
{
	for (int i = 0; i < 2; i++)
		if (g->join_fd[i] >= 0 && write(g->join_fd[i], "0", 1) != 1)
			return -1;
	return 0;
}

void cgroup_joined(struct cgroup *g)
{
	for (int i = 0; i < 2; i++)
		if (g->join_fd[i] >= 0) {
			close(g->join_fd[i]);
			g->join_fd[i] = -1;
		}
}

long long cgroup_oom_kills(const struct cgroup *g)
{
	const char *dir = g->memory == CGROUP_MEMORY_V2 ? g->dir
		: g->memory == CGROUP_MEMORY_V1 ? g->mem_dir : NULL;
	if (!dir)
		return -1;
	char *path = xasprintf("%s/%s", dir, g->memory == CGROUP_MEMORY_V2 ? "memory.events"
			       : "memory.oom_control");
	char text[4096];
	uint64_t v = 0;
	ssize_t n = procmem_read_text(path, text, sizeof(text));
	free(path);
	if (n <= 0 || procmem_parse_counter(text, (size_t)n, "oom_kill", &v))
		return -1;
	return (long long)v;
}

/* The pids in dir/cgroup.procs (at most max): how many, or -1 with errno. */
static int group_pids(const char *dir, pid_t *out, int max)
{
	char *path = xasprintf("%s/cgroup.procs", dir), text[16384];
	ssize_t n = procmem_read_text(path, text, sizeof(text));
	free(path);
	if (n < 0)
		return -1;
	int k = 0;
	for (char *p = text, *end; *p && k < max; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			out[k++] = (pid_t)pid;
		while (*end == '\n')
			end++;
	}
	return k;
}

int cgroup_kill_dir(const char *dir, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	/* cgroup.kill (5.14) kills atomically, forks included; else pid by pid until none is left */
	int killed = write_knob(dir, "cgroup.kill", "1") == 0;
	for (;;) {
		pid_t pids[512];
		int n = group_pids(dir, pids, (int)ARRAY_SIZE(pids));
		if (n <= 0)
			return n == 0 || errno == ENOENT ? 0 : -1;
		for (int i = 0; !killed && i < n; i++)
			kill(pids[i], SIGKILL);
		if (now_s() >= deadline)
			return -1;
		sleep_s(0.002);
	}
}

int cgroup_kill(struct cgroup *g, double timeout_s)
{
	int rc = 0;
	if (g->dir && cgroup_kill_dir(g->dir, timeout_s))
		rc = -1;
	if (g->mem_dir && cgroup_kill_dir(g->mem_dir, timeout_s))
		rc = -1;
	return rc;
}

void cgroup_remove(struct cgroup *g)
{
	cgroup_joined(g);
	if (g->dir)
		remove_dir(g->dir);
	if (g->mem_dir)
		remove_dir(g->mem_dir);
	free(g->dir);
	free(g->mem_dir);
	cgroup_init(g);
}

void cgroup_remove_owned(const char *base, long owner)
{
	sweep(base, owner);
}
