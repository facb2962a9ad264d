/*
 * sysinfo.c - facts about the machine for a results document; see sysinfo.h.
 *
 * Each fact comes from one place (uname, sysconf, a /proc, /sys or /etc
 * file). A fact that cannot be read is left out, silently: a container
 * without /sys or an ARM CPU without "model name" is normal, not an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/utsname.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "sysinfo.h"
#include "util.h"

/* Read a small file into buf as a NUL-terminated string; -1 if unreadable. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A fact that is known and not empty, else NULL (left out). */
static char *fact(const char *value)
{
	return value && *value ? xstrdup(value) : NULL;
}

char *sysinfo_thp_mode(const char *text)
{
	if (!text)
		return NULL;
	const char *lb = strchr(text, '[');
	if (!lb)
		return NULL;
	const char *rb = strchr(lb + 1, ']');
	if (!rb || rb == lb + 1)
		return NULL;
	for (const char *p = lb + 1; p < rb; p++)
		if (isspace((unsigned char)*p) || *p == '[')
			return NULL;
	return xstrndup(lb + 1, (size_t)(rb - lb - 1));
}

static char *thp_mode_of(const char *path)
{
	char buf[256];
	if (read_small(path, buf, sizeof(buf)) < 0)
		return NULL;
	return sysinfo_thp_mode(buf);
}

/*
 * The PRETTY_NAME of an os-release file (os-release(5)): a shell-style
 * assignment whose value may be double-quoted (with \ escapes),
 * single-quoted or bare. Returns a pointer into text, or NULL.
 */
static char *os_pretty_name(char *text)
{
	for (char *line = text; line && *line; ) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "PRETTY_NAME=", 12)) {
			char *v = line + 12, *w = v;
			if (*v == '"') {
				for (char *r = v + 1; *r && *r != '"'; r++) {
					if (*r == '\\' && r[1])
						r++;
					*w++ = *r;
				}
				*w = '\0';
			} else if (*v == '\'') {
				char *end = strchr(v + 1, '\'');
				if (end)
					*end = '\0';
				v++;
			}
			return trim(v);
		}
		line = next;
	}
	return NULL;
}

static char *os_name(void)
{
	char buf[8192];
	if (read_small("/etc/os-release", buf, sizeof(buf)) < 0 &&
	    read_small("/usr/lib/os-release", buf, sizeof(buf)) < 0)
		return NULL;
	return fact(os_pretty_name(buf));
}

/* The first "model name" of /proc/cpuinfo (x86; absent on most ARM). */
static char *cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL, *model = NULL;
	size_t alloc = 0;

	if (!f)
		return NULL;
	while (getline(&line, &alloc, f) > 0) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (!strcmp(trim(line), "model name")) {
			model = fact(trim(colon + 1));
			break;
		}
	}
	free(line);
	fclose(f);
	return model;
}

int64_t sysinfo_meminfo(const char *key)
{
	char buf[8192], want[64];
	unsigned long long kb;
	if (read_small("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(want, sizeof(want), "%s:", key);
	for (const char *p = strstr(buf, want); p; p = strstr(p + 1, want))
		if ((p == buf || p[-1] == '\n') && sscanf(p + strlen(want), " %llu kB", &kb) == 1)
			return (int64_t)kb * 1024;
	return -1;
}

void sysinfo_machine(struct machine *m)
{
	struct utsname u;
	char host[256];
	long n;

	machine_release(m);
	m->present = 1;
	int have_uname = uname(&u) == 0;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		m->hostname = fact(host);
	} else if (have_uname) {
		m->hostname = fact(u.nodename);
	}
	if (have_uname) {
		m->kernel = xasprintf("%s %s", u.release, u.version);
		m->arch = fact(u.machine);
	}
	m->os = os_name();
	m->cpu_model = cpu_model();
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) > 0)
		m->cpus = n;
	m->mem_total = sysinfo_meminfo("MemTotal");
	if ((n = sysconf(_SC_PAGESIZE)) > 0)
		m->page_size = n;
	m->thp_enabled = thp_mode_of("/sys/kernel/mm/transparent_hugepage/enabled");
	m->thp_defrag = thp_mode_of("/sys/kernel/mm/transparent_hugepage/defrag");
#ifdef __GLIBC__
	m->glibc = fact(gnu_get_libc_version());
#endif
	/* Without /proc at all the question has no answer: leave it out. */
	if (access("/proc/self/status", F_OK) == 0)
		m->smaps_rollup = access("/proc/self/smaps_rollup", F_OK) == 0;
}
