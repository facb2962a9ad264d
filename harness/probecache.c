/* probecache.c - probes kept across runs; see probecache.h. */
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

static uint64_t fnv1a(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The agent's text (agent.py and the _objmem.py it imports), as a hash. */
static int agent_hash(const struct catalog *cat, uint64_t *h)
{
	static const char *const files[] = { "agent.py", "_objmem.py" };
	*h = 1469598103934665603ULL;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xasprintf("%s/workloads/%s", cat->srcdir, files[i]);
		struct buf b = BUF_INIT;
		int rc = read_file(path, 1 << 24, &b);
		free(path);
		if (rc) {
			buf_release(&b);
			return -1;
		}
		*h = fnv1a(b.p, b.len, *h);
		buf_release(&b);
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
	for (size_t i = 0; i < in->argv.n; i++)
		buf_addf(&k, "argv %s\n", in->argv.v[i]);
	for (size_t i = 0; i < in->env.n; i++)
		buf_addf(&k, "env %s\n", in->env.v[i]);
	return buf_detach(&k);
}

/* CACHE/probes/HASH.json, the file of key. */
static char *key_path(const char *key)
{
	char *dir = config_cache_dir();
	char *path = xasprintf("%s/probes/%016llx.json", dir,
			       (unsigned long long)fnv1a(key, strlen(key), 1469598103934665603ULL));
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
		cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "probe");
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
	cJSON_AddItemToObject(doc, "probe", cJSON_Duplicate(probe, 1));
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
