/* probecache.c - probes kept across runs; see probecache.h. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probecache.h"
#include "util.h"

/* Bumped when what a key covers changes. */
#define KEY_VERSION "objmem probe key 1"

/* The text of a file into the hash h; -1 when it cannot be read. */
static int hash_file(const char *path, uint64_t *h)
{
	struct buf b = BUF_INIT;
	int rc = read_file(path, 1 << 24, &b);
	if (!rc)
		*h = fnv1a(b.p, b.len, *h);
	buf_release(&b);
	return rc;
}

/* The agent's text (agent.py, the _agent.py it runs and the _objmem.py it imports), as a hash. */
static int agent_hash(const struct catalog *cat, uint64_t *h)
{
	static const char *const files[] = { "agent.py", "_agent.py", "_objmem.py" };
	*h = FNV1A_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xasprintf("%s/workloads/%s", cat->srcdir, files[i]);
		int rc = hash_file(path, h);
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}

/* What a workload's views may read besides its file: workloads/_*.py, workloads/ext/. */
static int helpers_hash(const struct catalog *cat, uint64_t *h)
{
	static const char *const dirs[] = { "workloads", "workloads/ext" };
	*h = FNV1A_INIT;
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		char *dir = xasprintf("%s/%s", cat->srcdir, dirs[d]);
		struct dirent **names = NULL;
		int n = scandir(dir, &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *e = names[i]->d_name;
			if (e[0] != '.' && (d || e[0] == '_')) {
				char *path = xasprintf("%s/%s", dir, e);
				struct stat st;
				if (!stat(path, &st) && S_ISREG(st.st_mode) && hash_file(path, h))
					n = -2;   /* unreadable: not kept */
				*h = fnv1a(e, strlen(e), *h);
				free(path);
			}
		}
		for (int i = 0; names && i < (n < 0 ? 0 : n); i++)
			free(names[i]);
		free(names);
		free(dir);
		if (n == -2)
			return -1;
	}
	return 0;
}

static int is_elf(const char *path)
{
	char head[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	return n == 4 && !memcmp(head, "\x7f" "ELF", 4);
}

char *probecache_key(const struct catalog *cat, const struct interp *in)
{
	struct stat st;
	uint64_t agent;
	if (!in->argv.n || stat(in->argv.v[0], &st) || !S_ISREG(st.st_mode) ||
	    !is_elf(in->argv.v[0]) || agent_hash(cat, &agent))
		return NULL;
	const char *ld = getenv("LD_LIBRARY_PATH");
	struct buf k = BUF_INIT;
	buf_addf(&k, "%s\nagent %016llx\nexecutable %llu:%llu size %lld mtime %lld.%09ld "
		 "ctime %lld.%09ld\nLD_LIBRARY_PATH=%s\n", KEY_VERSION, (unsigned long long)agent,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, ld ? ld : "");
	for (size_t i = 0; i < in->argv.n; i++) {
		buf_addf(&k, "argv %s\n", in->argv.v[i]);
		/* a script the executable runs (Pyodide's python.mjs under node):
		 * provisioned again, it is a new file, and the build is probed again */
		if (i && in->argv.v[i][0] == '/' && !stat(in->argv.v[i], &st) && S_ISREG(st.st_mode))
			buf_addf(&k, "file %llu:%llu size %lld mtime %lld.%09ld ctime %lld.%09ld\n",
				 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
				 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
				 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
				 st.st_ctim.tv_nsec);
	}
	for (size_t i = 0; i < in->env.n; i++)
		buf_addf(&k, "env %s\n", in->env.v[i]);
	return buf_detach(&k);
}

char *probecache_views_key(const struct catalog *cat, const struct interp *in, const char *path,
			   const struct strvec *params)
{
	char *key = probecache_key(cat, in);
	uint64_t wl = FNV1A_INIT, helpers;
	if (!key || hash_file(path, &wl) || helpers_hash(cat, &helpers)) {
		free(key);
		return NULL;
	}
	struct buf k = BUF_INIT;
	buf_addf(&k, "%sviews of %s %016llx\nhelpers %016llx\n", key, path,
		 (unsigned long long)wl, (unsigned long long)helpers);
	for (size_t i = 0; params && i < params->n; i++)
		buf_addf(&k, "param %s\n", params->v[i]);
	free(key);
	return buf_detach(&k);
}

/* CACHE/probes/HASH.json, the file of key. */
static char *key_path(const char *key)
{
	char *dir = config_cache_dir();
	char *path = xasprintf("%s/probes/%016llx.json", dir,
			       (unsigned long long)fnv1a(key, strlen(key), FNV1A_INIT));
	free(dir);
	return path;
}

cJSON *probecache_get(const char *key)
{
	char *path = key_path(key);
	struct buf b = BUF_INIT, quiet = BUF_INIT, *was = report_capture(&quiet);
	cJSON *probe = NULL;
	int rc = read_file(path, 1 << 20, &b);   /* none kept yet is no error */
	report_capture(was);
	buf_release(&quiet);
	if (!rc) {
		cJSON *doc = cJSON_ParseWithLength(b.p, b.len);
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(doc, "key");
		cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "value");
		/* the whole key, not its hash, says it is this build */
		if (cJSON_IsString(k) && !strcmp(k->valuestring, key) && cJSON_IsObject(p))
			probe = cJSON_Duplicate(p, 1);
		cJSON_Delete(doc);
	}
	buf_release(&b);
	free(path);
	return probe;
}

void probecache_put(const char *key, const cJSON *probe)
{
	char *path = key_path(key);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "key", key);
	cJSON_AddItemToObject(doc, "value", cJSON_Duplicate(probe, 1));
	char *text = cJSON_Print(doc);
	struct buf quiet = BUF_INIT, *was = report_capture(&quiet);
	if (text && !mkdir_parent(path))
		(void)write_file_atomic(path, text, strlen(text));
	report_capture(was);
	buf_release(&quiet);
	free(text);
	cJSON_Delete(doc);
	free(path);
}
