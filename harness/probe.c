/* probe.c - reading an interpreter's probe; see probe.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

const char *probe_str(const cJSON *probe, const char *key)
{
	const cJSON *v = probe ? cJSON_GetObjectItemCaseSensitive(probe, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int probe_true(const cJSON *probe, const char *key)
{
	return probe && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(probe, key));
}

char *probe_name(const cJSON *probe)
{
	const char *impl = probe_str(probe, "implementation");
	const char *ver = probe_str(probe, "version");
	const char *impl_ver = probe_str(probe, "implementation_version");
	if (!impl)
		impl = "python";
	if (!ver)
		ver = "unknown";
	struct buf b = BUF_INIT;
	int major = 0, minor = 0;
	if (impl_ver && strcmp(impl_ver, ver)) {
		/* PyPy 7.3.11 implementing Python 3.9.16: "pypy3.9-7.3.11" */
		if (sscanf(ver, "%d.%d", &major, &minor) == 2)
			buf_addf(&b, "%s%d.%d-%s", impl, major, minor, impl_ver);
		else
			buf_addf(&b, "%s-%s", impl, impl_ver);
	} else {
		buf_addf(&b, "%s-%s", impl, ver);
	}
	if (probe_true(probe, "gil_disabled"))
		buf_addstr(&b, "t");
	if (probe_true(probe, "debug"))
		buf_addstr(&b, "d");
	return buf_detach(&b);
}

char *probe_summary(const cJSON *probe)
{
	const char *impl = probe_str(probe, "implementation");
	const char *ver = probe_str(probe, "version");
	const char *alloc = probe_str(probe, "allocator");
	const cJSON *bits = probe ? cJSON_GetObjectItemCaseSensitive(probe, "pointer_bits") : NULL;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %s", impl ? impl : "?", ver ? ver : "?");
	if (cJSON_IsNumber(bits))
		buf_addf(&b, ", %d-bit", (int)bits->valuedouble);
	if (alloc)
		buf_addf(&b, ", %s", alloc);
	if (probe_true(probe, "debug"))
		buf_addstr(&b, ", debug");
	if (probe_true(probe, "gil_disabled"))
		buf_addstr(&b, ", free-threaded");
	return buf_detach(&b);
}

int version_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (ea == a && eb == b) /* neither moved on: compare what is left */
			return strcmp(a, b);
	}
	return 0;
}

static int impl_rank(const char *impl)
{
	if (!impl)
		return 3;
	return !strcmp(impl, "cpython") ? 0 : !strcmp(impl, "pypy") ? 1 : 2;
}

struct sort_item {
	const char *name;
	const cJSON *probe;
	size_t given;   /* position in the input: ties and probe-less builds keep it */
};

static int cmp_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int ra = impl_rank(probe_str(a->probe, "implementation"));
	int rb = impl_rank(probe_str(b->probe, "implementation"));
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra != 3) {
		int v = version_cmp(probe_str(a->probe, "version"), probe_str(b->probe, "version"));
		if (!v)
			v = version_cmp(probe_str(a->probe, "implementation_version"),
					probe_str(b->probe, "implementation_version"));
		if (!v)
			v = strcmp(a->name, b->name);
		if (v)
			return v;
	}
	return a->given < b->given ? -1 : a->given > b->given;
}

void probe_sort_names(const struct results *r, const char **names, size_t n)
{
	struct sort_item *items = xcalloc(n + 1, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		struct interp *in = results_find_interp(r, names[i]);
		items[i] = (struct sort_item){ names[i], in ? in->probe : NULL, i };
	}
	qsort(items, n, sizeof(*items), cmp_items);
	for (size_t i = 0; i < n; i++)
		names[i] = items[i].name;
	free(items);
}
