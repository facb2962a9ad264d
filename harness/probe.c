/* probe.c - reading an interpreter's probe; see probe.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "keymap.h"
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

int probe_pointer_bits(const cJSON *probe)
{
	const cJSON *v = probe ? cJSON_GetObjectItemCaseSensitive(probe, "pointer_bits") : NULL;
	return cJSON_IsNumber(v) && (v->valuedouble == 32 || v->valuedouble == 64)
		       ? (int)v->valuedouble : 0;
}

/* The machine of a build that is not native code (Pyodide: "wasm32"), or NULL. */
static const char *wasm_machine(const cJSON *probe)
{
	const char *machine = probe_str(probe, "machine");
	return machine && !strncmp(machine, "wasm", 4) ? machine : NULL;
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
	const char *machine = wasm_machine(probe);
	if (machine)   /* Pyodide: "cpython-3.14.2-wasm32" */
		buf_addf(&b, "-%s", machine);
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
	double nbits;
	if (bits && !json_whole(bits, 1, 1024, &nbits))   /* from the child: checked first */
		buf_addf(&b, ", %d-bit", (int)nbits);
	const char *machine = wasm_machine(probe);
	if (machine)      /* Pyodide: not a native build */
		buf_addf(&b, " %s", machine);
	if (alloc)
		buf_addf(&b, ", %s", alloc);
	if (probe_true(probe, "debug"))
		buf_addstr(&b, ", debug");
	if (probe_true(probe, "gil_disabled"))
		buf_addstr(&b, ", free-threaded");
	return buf_detach(&b);
}

/* The allocator a build of this kind uses unless told otherwise. */
static const char *own_allocator(const cJSON *probe)
{
	const char *impl = probe_str(probe, "implementation");
	if (!impl || strcmp(impl, "cpython"))
		return NULL;
	int ft = probe_true(probe, "gil_disabled"), dbg = probe_true(probe, "debug");
	return ft ? (dbg ? "mimalloc-debug" : "mimalloc") : dbg ? "pymalloc-debug" : "pymalloc";
}

/* PYTHONMALLOC's spelling (pymalloc_debug) against the probe's (pymalloc-debug). */
static int same_allocator(const char *env_value, const char *own)
{
	if (!own)
		return 0;
	for (; *env_value && *own; env_value++, own++)
		if (*env_value != *own && !(*env_value == '_' && *own == '-'))
			return 0;
	return *env_value == *own;
}

static const char *impl_title(const char *impl)
{
	static const char *const names[][2] = {
		{ "cpython", "CPython" }, { "pypy", "PyPy" }, { "micropython", "MicroPython" },
		{ "ironpython", "IronPython" }, { "graalpy", "GraalPy" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(impl, names[i][0]))
			return names[i][1];
	return impl;
}

char *probe_label(const cJSON *probe, const struct strvec *env)
{
	if (!probe)
		return NULL;
	const char *impl = probe_str(probe, "implementation");
	const char *ver = probe_str(probe, "version");
	const char *impl_ver = probe_str(probe, "implementation_version");
	struct buf b = BUF_INIT;
	const char *pyodide = probe_str(probe, "pyodide");
	if (pyodide) {   /* "Pyodide 314.0.8 (CPython 3.14.2, wasm32)" */
		const char *machine = probe_str(probe, "machine");
		buf_addf(&b, "Pyodide %s (%s %s, %s)", pyodide, impl_title(impl ? impl : "Python"),
			 ver ? ver : "?", machine ? machine : "wasm");
		return buf_detach(&b);
	}
	buf_addf(&b, "%s", impl_title(impl ? impl : "Python"));
	int major, minor;
	if (impl && !strcmp(impl, "micropython") && impl_ver)
		buf_addf(&b, " %s", impl_ver);  /* its own language level means little */
	else if (impl_ver && ver && strcmp(impl_ver, ver) && sscanf(ver, "%d.%d", &major, &minor) == 2)
		buf_addf(&b, " %s (%d.%d)", impl_ver, major, minor);  /* PyPy 7.3.11 (3.9) */
	else
		buf_addf(&b, " %s", ver ? ver : "?");
	if (probe_true(probe, "gil_disabled")) {
		buf_addstr(&b, " free-threaded");
		if (probe_true(probe, "gil_enabled_at_runtime"))
			buf_addstr(&b, ", GIL on");
	}
	if (probe_true(probe, "debug"))
		buf_addstr(&b, " debug");
	const char *machine = wasm_machine(probe);
	if (machine)   /* a probe from before "pyodide" */
		buf_addf(&b, " on %s", machine);
	const char *alloc = probe_str(probe, "allocator"), *own = own_allocator(probe);
	const char *pymalloc = env ? strvec_getenv(env, "PYTHONMALLOC") : NULL;
	if (pymalloc && !same_allocator(pymalloc, own))
		buf_addf(&b, ", PYTHONMALLOC=%s", pymalloc);
	else if (pymalloc)
		; /* the build's default, said explicitly: nothing to tell apart */
	else if (alloc && own && strcmp(alloc, own) && strcmp(alloc, "unknown"))
		buf_addf(&b, ", %s", !strcmp(alloc, "malloc") ? "without pymalloc" : alloc);
	return buf_detach(&b);
}

char **probe_labels(const struct results *r, const char *const *names, size_t n)
{
	char **labels = xcalloc(n + 1, sizeof(*labels));
	struct keymap seen = KEYMAP_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct interp *in = results_find_interp(r, names[i]);
		labels[i] = in ? probe_label(in->probe, &in->env) : NULL;
		if (!labels[i])
			labels[i] = xstrdup(names[i]);
		size_t k = 0;
		keymap_gets(&seen, labels[i], &k);
		keymap_puts(&seen, labels[i], k + 1);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		keymap_gets(&seen, labels[i], &k);
		if (k > 1 && strcmp(labels[i], names[i])) {
			char *two = xasprintf("%s (%s)", labels[i], names[i]);
			free(labels[i]);
			labels[i] = two;
		}
	}
	keymap_release(&seen);
	return labels;
}

void probe_labels_free(char **labels, size_t n)
{
	for (size_t i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
}

int probe_family(const cJSON *probe)
{
	const char *impl = probe_str(probe, "implementation");
	if (!impl)
		return 7;
	if (!strcmp(impl, "pypy"))
		return 2;
	if (!strcmp(impl, "micropython"))
		return 3;
	if (strcmp(impl, "cpython") || wasm_machine(probe))
		return 7;
	if (probe_true(probe, "gil_disabled"))
		return 4;
	if (probe_true(probe, "debug"))
		return 5;
	const char *alloc = probe_str(probe, "allocator");
	if (alloc && strcmp(alloc, own_allocator(probe)) && strcmp(alloc, "unknown"))
		return 6;
	return 1;
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
