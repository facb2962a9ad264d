/* views.c - the interpreter's own views of one object, and the allocator's; see views.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "probe.h"
#include "views.h"

#define MAX_WHOLE JSON_INT_MAX

/* ---- checking what a file holds ---- */

static int bad(const char *what, size_t i, const char *key, const char *want)
{
	return error("%s: views[%zu].%s: expected %s", what, i, key, want);
}

static int check_whole_or_null(const cJSON *o, const char *what, size_t i, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;
	if (!v || cJSON_IsNull(v))
		return 0;
	return json_whole(v, 0, MAX_WHOLE, &d) ? bad(what, i, key, "a whole number >= 0 or null") : 0;
}

static int check_blocks(const cJSON *o, const char *what, size_t i)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "requested_blocks");
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v))
		return bad(what, i, "requested_blocks", "an array of [size, blocks per object]");
	const cJSON *pair;
	cJSON_ArrayForEach(pair, v) {
		double size;
		const cJSON *share = cJSON_GetArrayItem(pair, 1);
		if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 ||
		    json_whole(cJSON_GetArrayItem(pair, 0), 0, MAX_WHOLE, &size) ||
		    !cJSON_IsNumber(share) || !isfinite(share->valuedouble) || share->valuedouble < 0)
			return bad(what, i, "requested_blocks",
				   "pairs [size, blocks per object] of numbers >= 0");
	}
	return 0;
}

static int check_one(const cJSON *o, const char *what, size_t i)
{
	if (!cJSON_IsObject(o))
		return bad(what, i, "", "an object");
	static const char *const names[] = { "interpreter", "workload" };
	for (size_t k = 0; k < 2; k++)
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, names[k])))
			return bad(what, i, names[k], "a string");
	static const char *const wholes[] = { "shallow", "deep", "traced", "size_class_step",
					      "gc_tracked" };
	for (size_t k = 0; k < ARRAY_SIZE(wholes); k++)
		if (check_whole_or_null(o, what, i, wholes[k]))
			return -1;
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(o, "requested");
	if (req && !cJSON_IsNull(req) &&
	    (!cJSON_IsNumber(req) || !isfinite(req->valuedouble) || req->valuedouble < 0))
		return bad(what, i, "requested", "a number >= 0 or null");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(o, "deep_by_attribute");
	if (attrs && !cJSON_IsNull(attrs)) {
		const cJSON *a;
		double d;
		if (!cJSON_IsObject(attrs))
			return bad(what, i, "deep_by_attribute", "an object of whole numbers");
		cJSON_ArrayForEach(a, attrs)
			if (json_whole(a, 0, MAX_WHOLE, &d))
				return bad(what, i, "deep_by_attribute", "an object of whole numbers");
	}
	const cJSON *lacks = cJSON_GetObjectItemCaseSensitive(o, "lacks");
	if (lacks && !cJSON_IsNull(lacks)) {
		const cJSON *a;
		if (!cJSON_IsObject(lacks))
			return bad(what, i, "lacks", "an object of reasons");
		cJSON_ArrayForEach(a, lacks)
			if (!cJSON_IsString(a))
				return bad(what, i, "lacks", "an object of reasons (strings)");
	}
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(o, "one_process");
	if (op && !cJSON_IsNull(op)) {
		const cJSON *a;
		if (!cJSON_IsObject(op))
			return bad(what, i, "one_process", "an object of numbers");
		cJSON_ArrayForEach(a, op)
			if (!cJSON_IsNumber(a) || !isfinite(a->valuedouble))
				return bad(what, i, "one_process", "an object of numbers");
	}
	return check_blocks(o, what, i);
}

static const char *key_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

int views_check(const cJSON *views, const char *what)
{
	if (!cJSON_IsArray(views))
		return error("%s: views: expected an array", what);
	size_t i = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, views) {
		if (check_one(o, what, i))
			return -1;
		size_t j = 0;
		const cJSON *p;
		cJSON_ArrayForEach(p, views) {
			if (j++ >= i)
				break;
			if (!strcmp(key_of(p, "interpreter"), key_of(o, "interpreter")) &&
			    !strcmp(key_of(p, "workload"), key_of(o, "workload")))
				return error("%s: views[%zu]: a second view of %s / %s (the first is "
					     "views[%zu])", what, i, key_of(o, "interpreter"),
					     key_of(o, "workload"), j - 1);
		}
		i++;
	}
	return 0;
}

/* ---- finding and keeping ---- */

const cJSON *views_find(const struct results *r, const char *interp, const char *workload)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, r->views)
		if (!strcmp(key_of(o, "interpreter"), interp) && !strcmp(key_of(o, "workload"), workload))
			return o;
	return NULL;
}

void views_put(struct results *r, const char *interp, cJSON *view)
{
	cJSON_DeleteItemFromObjectCaseSensitive(view, "interpreter");
	cJSON_AddItemToObject(view, "interpreter", cJSON_CreateString(interp));
	if (!r->views)
		r->views = cJSON_CreateArray();
	int i = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, r->views) {
		if (!strcmp(key_of(o, "interpreter"), interp) &&
		    !strcmp(key_of(o, "workload"), key_of(view, "workload"))) {
			cJSON_ReplaceItemInArray(r->views, i, view);
			return;
		}
		i++;
	}
	cJSON_AddItemToArray(r->views, view);
}

void views_merge(struct results *dst, const struct results *src)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, src->views)
		if (!views_find(dst, key_of(o, "interpreter"), key_of(o, "workload")))
			views_put(dst, key_of(o, "interpreter"), cJSON_Duplicate(o, 1));
}

int views_number(const cJSON *view, const char *key, double *out, const char **why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(view, key);
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	const cJSON *lacks = cJSON_GetObjectItemCaseSensitive(view, "lacks");
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(lacks, key);
	if (why)
		*why = cJSON_IsString(w) ? w->valuestring : NULL;
	return -1;
}

/* ---- the allocators ---- */

enum model { M_NONE, M_PYMALLOC, M_MALLOC, M_DLMALLOC32, M_MIMALLOC };

struct alloc {
	enum model model;
	int debug;               /* the debug hooks' guard bytes around every request */
	int ft_collector;        /* a free-threaded build: its collector's work area */
	double align, threshold, pool;
};

/*
 * Bytes the free-threaded collector leaves per object it tracks: its first
 * collection after a fill allocates a pointer per tracked object, frees it,
 * and mimalloc keeps the pages (measured on 3.13t: +8.1 B per object at the
 * first gc.collect() after 1M objects, +0.0 at the second; 0 for objects it
 * does not track, such as a dict of ints).
 */
#define FT_COLLECTOR_BYTES 8.0

/* major * 100 + minor of a "3.12.1" version, or 0. */
static int version_number(const char *v)
{
	int major = 0, minor = 0;
	if (!v || sscanf(v, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

/* The allocator of the build probe describes; the step of its size classes
 * as the view measured it, where it did (view may be NULL). */
static struct alloc alloc_of(const cJSON *probe, const cJSON *view)
{
	struct alloc a = { M_NONE, 0, 0, 16, 512, 16384 };
	const char *name = probe_str(probe, "allocator");
	const char *impl = probe_str(probe, "implementation");
	if (!name || !impl || strcmp(impl, "cpython"))
		return a;
	size_t n = strlen(name);
	a.debug = n > 6 && !strcmp(name + n - 6, "-debug");
	a.ft_collector = probe_true(probe, "gil_disabled");
	if (!strncmp(name, "pymalloc", 8))
		a.model = M_PYMALLOC;
	else if (!strncmp(name, "mimalloc", 8))
		a.model = M_MIMALLOC;
	else if (!strncmp(name, "malloc", 6))
		a.model = probe_pointer_bits(probe) == 32 ? M_DLMALLOC32 : M_MALLOC;
	int v = version_number(probe_str(probe, "version"));
	/* pymalloc: 4 KiB pools to 3.9, 16 KiB since 3.10; requests up to 512 bytes;
	 * 16-byte classes since 3.8 (and in 3.7.4+, 2.7.17+ and patched 3.6 builds:
	 * bpo-27987), 8 before: measured by the view where it could */
	a.align = v >= 308 ? 16 : 8;
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(view, "size_class_step");
	if (cJSON_IsNumber(step) && (step->valuedouble == 8 || step->valuedouble == 16))
		a.align = step->valuedouble;
	a.pool = v >= 310 ? 16384 : 4096;
	a.threshold = 512;
	return a;
}

/* glibc malloc on 64-bit: an 8-byte chunk header, 16-byte steps, 32 at least. */
static double glibc_cost(double n)
{
	double c = ceil((n + 8) / 16) * 16;
	return c < 32 ? 32 : c;
}

/* A 32-bit dlmalloc (emscripten's, on wasm32): a 4-byte header, 8-byte
 * steps, 16 at least. */
static double dlmalloc32_cost(double n)
{
	double c = ceil((n + 4) / 8) * 8;
	return c < 16 ? 16 : c;
}

/* mimalloc's bins: 16-byte steps to 64 bytes, then four bins per doubling. */
static double mimalloc_cost(double n)
{
	unsigned long w = (unsigned long)ceil(n / 8);
	if (w < 2)
		return 16;
	if (w <= 8)
		return (double)((w + 1) & ~1UL) * 8;
	unsigned long m = w - 1;
	int b = 63 - __builtin_clzl(m);
	return (double)(((m >> (b - 2)) + 1) << (b - 2)) * 8;
}

/* pymalloc: the request in its size class; a pool's header shared by its blocks. */
static double pymalloc_cost(const struct alloc *a, double n)
{
	if (n > a->threshold)
		return glibc_cost(n);
	double block = ceil((n < 1 ? 1 : n) / a->align) * a->align;
	double per_pool = floor((a->pool - 48) / block);
	return a->pool / per_pool;
}

static double cost_of(const struct alloc *a, double n)
{
	if (a->debug)
		n += 24;   /* PYMEM_DEBUG_EXTRA_BYTES: the size and the guard bytes */
	switch (a->model) {
	case M_PYMALLOC:
		return pymalloc_cost(a, n);
	case M_MALLOC:
		return glibc_cost(n);
	case M_DLMALLOC32:
		return dlmalloc32_cost(n);
	case M_MIMALLOC:
		return mimalloc_cost(n);
	default:
		return -1;
	}
}

double views_block_cost(const cJSON *probe, const cJSON *view, double request)
{
	struct alloc a = alloc_of(probe, view);
	return cost_of(&a, request);
}

static void describe(const struct alloc *a, struct buf *how)
{
	if (a->model == M_PYMALLOC)
		buf_addf(how, "pymalloc (%.0f-byte steps, %.0f KiB pools)", a->align, a->pool / 1024);
	else if (a->model == M_MALLOC)
		buf_addstr(how, "glibc malloc (8-byte header, 16-byte steps)");
	else if (a->model == M_DLMALLOC32)
		buf_addstr(how, "32-bit dlmalloc (4-byte header, 8-byte steps)");
	else
		buf_addstr(how, "mimalloc bins");
	if (a->debug)
		buf_addstr(how, " behind the debug hooks (+24 per request)");
}

int views_allocator(const cJSON *probe, const cJSON *view, double *bytes, struct buf *how,
		    const char **why)
{
	struct alloc a = alloc_of(probe, view);
	if (a.model == M_NONE) {
		*why = "objmem models the allocators of CPython builds only";
		return -1;
	}
	const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(view, "requested_blocks");
	if (!cJSON_IsArray(blocks) || !cJSON_GetArraySize(blocks)) {
		*why = "no requested blocks to round (no tracemalloc)";
		return -1;
	}
	describe(&a, how);
	buf_addstr(how, ":");
	double total = 0;
	const cJSON *pair;
	cJSON_ArrayForEach(pair, blocks) {
		double size = cJSON_GetArrayItem(pair, 0)->valuedouble;
		double share = cJSON_GetArrayItem(pair, 1)->valuedouble;
		double c = cost_of(&a, size);
		total += c * share;
		if (share >= 0.995 && share <= 1.005)
			buf_addf(how, " %.0f->%.1f", size, c);
		else
			buf_addf(how, " %.2fx %.0f->%.1f", share, size, c);
	}
	const cJSON *tracked = cJSON_GetObjectItemCaseSensitive(view, "gc_tracked");
	if (a.ft_collector && cJSON_IsNumber(tracked) && tracked->valuedouble > 0) {
		double extra = FT_COLLECTOR_BYTES * tracked->valuedouble;
		total += extra;
		buf_addf(how, "; + the free-threaded collector's %.0f B per tracked object (%.0f "
			 "tracked): the pointer its first collection after the fill allocates for each, "
			 "freed into pages mimalloc keeps", FT_COLLECTOR_BYTES, tracked->valuedouble);
	}
	*bytes = total;
	return 0;
}
