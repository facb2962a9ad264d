/*
 * results.c - the in-memory results document: cells, interpreters, the
 * machine and the configuration, lookups by key and the order of cells;
 * see results.h. The JSON form is results_json.c's.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "textfmt.h"

static const char *const phase_names[PHASE_COUNT] = { "start", "base", "full", "freed" };
static const char *const status_names[] = { "pending", "ok", "failed", "skipped" };

const char *phase_name(enum phase p)
{
	return (unsigned)p < PHASE_COUNT ? phase_names[p] : "?";
}

int phase_from_name(const char *name)
{
	for (int i = 0; i < PHASE_COUNT; i++)
		if (!strcmp(name, phase_names[i]))
			return i;
	return -1;
}

const char *cell_status_name(enum cell_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

int cell_status_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
		if (!strcmp(name, status_names[i]))
			return (int)i;
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ------------------------------------------------- machine and config */

#define M(field) offsetof(struct machine, field)
const struct field_desc machine_fields[] = {
	{ "hostname", FIELD_STR, M(hostname), FIELD_COMPARE, "machine (hostname)" },
	{ "kernel", FIELD_STR, M(kernel), FIELD_COMPARE, "kernel" },
	{ "os", FIELD_STR, M(os), FIELD_COMPARE, "operating system" },
	{ "arch", FIELD_STR, M(arch), FIELD_COMPARE, "architecture" },
	{ "cpu_model", FIELD_STR, M(cpu_model), FIELD_COMPARE, "CPU" },
	{ "cpus", FIELD_I64, M(cpus), 0, "number of CPUs" },
	{ "mem_total", FIELD_I64, M(mem_total), 0, "memory" },
	{ "page_size", FIELD_I64, M(page_size), FIELD_COMPARE, "page size" },
	{ "thp_enabled", FIELD_STR, M(thp_enabled), FIELD_COMPARE, "transparent huge pages mode" },
	{ "thp_defrag", FIELD_STR, M(thp_defrag), 0, "transparent huge pages defrag mode" },
	{ "glibc", FIELD_STR, M(glibc), FIELD_COMPARE, "glibc" },
	{ "smaps_rollup", FIELD_BOOL, M(smaps_rollup), 0, "smaps_rollup available" },
};
#undef M
const size_t n_machine_fields = ARRAY_SIZE(machine_fields);

#define C(field) offsetof(struct config, field)
const struct field_desc config_fields[] = {
	{ "counts", FIELD_COUNTS, C(counts), 0, "object counts" },
	{ "repeat", FIELD_INT, C(repeat), 0, "repetitions" },
	{ "repeat_min", FIELD_INT, C(repeat_min), 0, "adaptive repetitions (at least)" },
	{ "repeat_rule", FIELD_STR, C(repeat_rule), 0, "adaptive repetitions (the rule)" },
	{ "jobs", FIELD_INT, C(jobs), 0, "cells at once" },
	{ "workloads", FIELD_STRVEC, C(workloads), 0, "workloads" },
	{ "preset", FIELD_STR, C(preset), 0, "preset" },
	{ "timeout_s", FIELD_DOUBLE, C(timeout_s), 0, "timeout" },
	{ "poll_s", FIELD_DOUBLE, C(poll_s), 0, "peak polling interval" },
	{ "max_memory", FIELD_U64, C(max_memory), 0, "memory cap" },
	{ "memory_budget", FIELD_U64, C(memory_budget), 0, "memory budget of the cells at once" },
	{ "memory_limit", FIELD_STR, C(memory_limit), 0,
	  "what held the memory cap (cgroup memory.max, cgroup v1 memory.limit_in_bytes, rss checks)" },
	{ "thp_disabled_in_child", FIELD_BOOL, C(thp_disabled), FIELD_COMPARE, "--no-thp setting" },
	{ "aslr_disabled_in_child", FIELD_BOOL, C(aslr_disabled), FIELD_COMPARE,
	  "address randomization in the children (--aslr)" },
	{ "cpu", FIELD_INT, C(cpu), 0, "CPU pinning" },
	{ "malloc_arena_max", FIELD_STR, C(malloc_arena_max), FIELD_COMPARE, "--malloc-arena-max" },
	{ "memory_source", FIELD_STR, C(memory_source), FIELD_COMPARE,
	  "memory source (smaps or smaps_rollup)" },
	{ "shard", FIELD_SHARD, C(shard_k), 0, "shard" },
	{ "bytes_per_object", FIELD_STR, C(bytes_per_object), 0, "bytes per object" },
	{ "child_env", FIELD_STR, C(child_env), FIELD_COMPARE, "children's environment" },
	{ "command", FIELD_STRVEC, C(command), 0, "command line" },
	{ "params", FIELD_STRVEC, C(params), FIELD_COMPARE, "workload parameters (--param)" },
	{ "env", FIELD_STRVEC, C(env), FIELD_COMPARE | FIELD_OMIT_EMPTY, "children's added environment (--env)" },
	{ "merged_from", FIELD_MERGED, C(merged), 0, "merged from" },
};
#undef C
const size_t n_config_fields = ARRAY_SIZE(config_fields);

char *field_text(const void *obj, const struct field_desc *f)
{
	const char *base = (const char *)obj + f->offset;
	char num[64];
	struct buf b = BUF_INIT;
	switch (f->type) {
	case FIELD_STR:
		return dup_or_null(*(char *const *)base);
	case FIELD_INT: {
		int v = *(const int *)base;
		/* cpu: -1 is "not pinned"; the counts of a run: 0 is "not recorded" */
		if (!strcmp(f->key, "cpu") ? v < 0 : v <= 0)
			return NULL;
		return xasprintf("%d", v);
	}
	case FIELD_I64:
		return *(const int64_t *)base < 0 ? NULL
			: xasprintf("%lld", (long long)*(const int64_t *)base);
	case FIELD_U64:
		return *(const uint64_t *)base ? xasprintf("%llu", (unsigned long long)*(const uint64_t *)base)
			: NULL;
	case FIELD_DOUBLE:
		if (!(*(const double *)base > 0))
			return NULL;
		fmt_number_exact(num, sizeof(num), *(const double *)base);
		return xstrdup(num);
	case FIELD_BOOL:
		return *(const int *)base < 0 ? NULL : xstrdup(*(const int *)base ? "true" : "false");
	case FIELD_STRVEC: {
		const struct strvec *sv = (const struct strvec *)base;
		for (size_t i = 0; i < sv->n; i++)
			buf_addf(&b, "%s%s", i ? " " : "", sv->v[i]);
		return b.p ? buf_detach(&b) : NULL;
	}
	case FIELD_COUNTS: {
		const struct config *c = obj;
		for (size_t i = 0; i < c->n_counts; i++)
			buf_addf(&b, "%s%llu", i ? "," : "", (unsigned long long)c->counts[i]);
		return b.p ? buf_detach(&b) : NULL;
	}
	case FIELD_SHARD: {
		const struct config *c = obj;
		return c->shard_n ? xasprintf("%d/%d", c->shard_k, c->shard_n) : NULL;
	}
	case FIELD_MERGED: {
		const struct config *c = obj;
		for (size_t i = 0; i < c->n_merged; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", c->merged[i].source);
		return b.p ? buf_detach(&b) : NULL;
	}
	}
	return NULL;
}

static void machine_init(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->cpus = m->mem_total = m->page_size = -1;
	m->smaps_rollup = -1;
}

void machine_release(struct machine *m)
{
	for (size_t i = 0; i < n_machine_fields; i++)
		if (machine_fields[i].type == FIELD_STR)
			free(*(char **)((char *)m + machine_fields[i].offset));
	cJSON_Delete(m->extra);
	machine_init(m);
}

void machine_copy(struct machine *dst, const struct machine *src)
{
	*dst = *src;
	for (size_t i = 0; i < n_machine_fields; i++)
		if (machine_fields[i].type == FIELD_STR) {
			char **p = (char **)((char *)dst + machine_fields[i].offset);
			*p = dup_or_null(*p);
		}
	dst->extra = src->extra ? cJSON_Duplicate(src->extra, 1) : NULL;
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->cpu = -1;
	c->aslr_disabled = -1;
	strvec_init(&c->workloads);
	strvec_init(&c->command);
	strvec_init(&c->params);
	strvec_init(&c->env);
}

static void merged_release(struct merged_from *m)
{
	free(m->source);
	free(m->created);
	free(m->label);
	free(m->shard);
}

void config_release(struct config *c)
{
	free(c->counts);
	strvec_clear(&c->workloads);
	strvec_clear(&c->command);
	strvec_clear(&c->params);
	strvec_clear(&c->env);
	free(c->preset);
	free(c->repeat_rule);
	free(c->malloc_arena_max);
	free(c->memory_source);
	free(c->memory_limit);
	free(c->bytes_per_object);
	free(c->child_env);
	for (size_t i = 0; i < c->n_merged; i++)
		merged_release(&c->merged[i]);
	free(c->merged);
	cJSON_Delete(c->extra);
	config_init(c);
}

void config_copy(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->counts = xcalloc(src->n_counts + 1, sizeof(*dst->counts));
	memcpy(dst->counts, src->counts ? src->counts : dst->counts,
	       src->n_counts * sizeof(*dst->counts));
	strvec_copy(&dst->workloads, &src->workloads);
	strvec_copy(&dst->command, &src->command);
	strvec_copy(&dst->params, &src->params);
	strvec_copy(&dst->env, &src->env);
	dst->preset = dup_or_null(src->preset);
	dst->repeat_rule = dup_or_null(src->repeat_rule);
	dst->malloc_arena_max = dup_or_null(src->malloc_arena_max);
	dst->memory_source = dup_or_null(src->memory_source);
	dst->memory_limit = dup_or_null(src->memory_limit);
	dst->bytes_per_object = dup_or_null(src->bytes_per_object);
	dst->child_env = dup_or_null(src->child_env);
	dst->merged = xcalloc(src->n_merged + 1, sizeof(*dst->merged));
	for (size_t i = 0; i < src->n_merged; i++) {
		dst->merged[i] = src->merged[i];
		dst->merged[i].source = dup_or_null(src->merged[i].source);
		dst->merged[i].created = dup_or_null(src->merged[i].created);
		dst->merged[i].label = dup_or_null(src->merged[i].label);
		dst->merged[i].shard = dup_or_null(src->merged[i].shard);
	}
	dst->extra = src->extra ? cJSON_Duplicate(src->extra, 1) : NULL;
}

void results_config_add_count(struct results *r, uint64_t count)
{
	struct config *c = &r->config;
	size_t at = 0;
	while (at < c->n_counts && c->counts[at] < count)
		at++;
	if (at < c->n_counts && c->counts[at] == count)
		return;
	c->counts = xrealloc(c->counts, (c->n_counts + 1) * sizeof(*c->counts));
	memmove(c->counts + at + 1, c->counts + at, (c->n_counts - at) * sizeof(*c->counts));
	c->counts[at] = count;
	c->n_counts++;
}

/* Every count of the document, ascending: the configured ones and the cells'. */
static uint64_t *all_counts(const struct results *r, size_t *n)
{
	uint64_t *v = xcalloc(r->config.n_counts + r->n_cells + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < r->config.n_counts + r->n_cells; i++) {
		uint64_t c = i < r->config.n_counts ? r->config.counts[i]
			: r->cells[i - r->config.n_counts].count;
		size_t at = 0;
		while (at < k && v[at] < c)
			at++;
		if (at < k && v[at] == c)
			continue;
		memmove(v + at + 1, v + at, (k - at) * sizeof(*v));
		v[at] = c;
		k++;
	}
	*n = k;
	return v;
}

int results_require_count(const struct results *r, uint64_t count)
{
	size_t n;
	uint64_t *v = all_counts(r, &n);
	int found = 0;
	struct buf have = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char c[32];
		format_count(v[i], c, sizeof(c));
		buf_addf(&have, "%s%s", i ? ", " : "", c);
		found |= v[i] == count;
	}
	char w[32];
	format_count(count, w, sizeof(w));
	if (!found)
		error("count %s is not in the results; they have %s", w, n ? have.p : "none");
	buf_release(&have);
	free(v);
	return found ? 0 : -1;
}

double results_page_size(const struct results *r)
{
	return r->machine.page_size > 0 ? (double)r->machine.page_size : 4096.0;
}

double results_pair_page_size(const struct results *base, const struct results *cur)
{
	return base->machine.page_size > 0 ? results_page_size(base) : results_page_size(cur);
}

/* ---------------------------------------------------------- document */

void results_init(struct results *r)
{
	memset(r, 0, sizeof(*r));
	machine_init(&r->machine);
	config_init(&r->config);
}

void results_release(struct results *r)
{
	free(r->objmem_version);
	free(r->created);
	free(r->label);
	cJSON_Delete(r->views);
	machine_release(&r->machine);
	config_release(&r->config);
	for (size_t i = 0; i < r->n_interps; i++)
		interp_release(&r->interps[i]);
	free(r->interps);
	for (size_t i = 0; i < r->n_cells; i++)
		cell_release(&r->cells[i]);
	free(r->cells);
	free(r->cell_index.slots);
	keymap_release(&r->interp_index);
	results_init(r);
}

struct interp *results_add_interp(struct results *r)
{
	xgrow((void **)&r->interps, sizeof(*r->interps), r->n_interps + 1, &r->alloc_interps);
	struct interp *in = &r->interps[r->n_interps++];
	interp_init(in);
	return in;
}

struct cell *results_add_cell(struct results *r)
{
	xgrow((void **)&r->cells, sizeof(*r->cells), r->n_cells + 1, &r->alloc_cells);
	struct cell *c = &r->cells[r->n_cells++];
	cell_init(c);
	return c;
}

/*
 * The cell index: a slot holds a key's hash and 1 + its cell's place (0:
 * empty), and a lookup compares the cell's own fields, so no key is
 * copied; half the memory of a keymap's and no allocation per cell (fresh
 * memory is what indexing 10,000 cells cost).
 */
struct cell_slot {
	uint64_t hash;
	size_t cell;
};

/* The cell index emptied (its room kept). */
static void cell_index_clear(struct cell_index *x)
{
	if (x->slots)
		memset(x->slots, 0, x->cap * sizeof(*x->slots));
	x->n = 0;
}

void results_reindex(struct results *r)
{
	cell_index_clear(&r->cell_index);
	keymap_clear(&r->interp_index);
	r->n_cells_indexed = r->n_interps_indexed = 0;
}

struct interp *results_find_interp(const struct results *cr, const char *name)
{
	struct results *r = (struct results *)cr; /* the index is a cache */
	/* index what was added since the last lookup (first name wins) */
	for (; r->n_interps_indexed < r->n_interps; r->n_interps_indexed++) {
		const char *n = r->interps[r->n_interps_indexed].name;
		size_t have;
		if (!n)
			break;
		if (!keymap_gets(&r->interp_index, n, &have))
			keymap_puts(&r->interp_index, n, r->n_interps_indexed);
	}
	size_t i;
	if (keymap_gets(&r->interp_index, name, &i) && i < r->n_interps)
		return &r->interps[i];
	/* not indexed yet (added, named later than a lookup): look at the rest */
	for (i = r->n_interps_indexed; i < r->n_interps; i++)
		if (r->interps[i].name && !strcmp(r->interps[i].name, name))
			return &r->interps[i];
	return NULL;
}

uint64_t results_cell_key_hash(const char *interp, const char *workload, uint64_t count,
			       int repeat)
{
	uint64_t h = fnv1a(interp, strlen(interp) + 1, FNV1A_INIT);
	h = fnv1a(workload, strlen(workload) + 1, h);
	h = fnv1a(&count, sizeof(count), h);
	return fnv1a(&repeat, sizeof(repeat), h);
}

/* A cell without its names (released in place, not filled yet) has no key. */
static int cell_has_key(const struct cell *c, const char *interp, const char *workload,
			uint64_t count, int repeat)
{
	return c->count == count && c->repeat == repeat && c->interpreter && c->workload &&
	       !strcmp(c->interpreter, interp) && !strcmp(c->workload, workload);
}

/* The slot of (hash, key) in r's index, or the empty one where it would go. */
static struct cell_slot *cell_slot_of(const struct results *r, uint64_t h, const char *interp,
				      const char *workload, uint64_t count, int repeat)
{
	const struct cell_index *x = &r->cell_index;
	size_t mask = x->cap - 1;
	for (size_t i = (size_t)(h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
		struct cell_slot *s = &x->slots[i];
		if (!s->cell || (s->hash == h && s->cell <= r->n_cells &&
				 cell_has_key(&r->cells[s->cell - 1], interp, workload, count, repeat)))
			return s;
	}
}

/* Room for need keys below three quarters of the slots. */
static void cell_index_reserve(struct cell_index *x, size_t need)
{
	if ((need + 1) * 4 < x->cap * 3)
		return;
	size_t cap = x->cap ? x->cap : 16;
	while ((need + 1) * 4 >= cap * 3)
		cap *= 2;
	struct cell_slot *old = x->slots;
	size_t old_cap = x->cap;
	x->slots = xcalloc(cap, sizeof(*x->slots));
	x->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].cell)
			continue;
		size_t j = (size_t)(old[i].hash ^ (old[i].hash >> 29)) & (cap - 1);
		while (x->slots[j].cell)   /* the keys are distinct: the first empty slot */
			j = (j + 1) & (cap - 1);
		x->slots[j] = old[i];
	}
	free(old);
}

struct cell *results_find_cell(const struct results *cr, const char *interp,
			       const char *workload, uint64_t count, int repeat)
{
	struct results *r = (struct results *)cr; /* the index is a cache */
	struct cell_index *x = &r->cell_index;
	if (!interp || !workload)
		return NULL;   /* no cell has a key without names */
	/* cells cut without results_reindex leave fewer than were indexed */
	cell_index_reserve(x, x->n + (r->n_cells > r->n_cells_indexed
				      ? r->n_cells - r->n_cells_indexed : 0));
	/* index what was added since the last lookup (the first cell of a key wins) */
	for (; r->n_cells_indexed < r->n_cells; r->n_cells_indexed++) {
		const struct cell *c = &r->cells[r->n_cells_indexed];
		if (!c->interpreter || !c->workload)
			break;
		uint64_t h = results_cell_key_hash(c->interpreter, c->workload, c->count, c->repeat);
		struct cell_slot *s = cell_slot_of(r, h, c->interpreter, c->workload, c->count,
						   c->repeat);
		if (!s->cell) {
			*s = (struct cell_slot){ h, r->n_cells_indexed + 1 };
			x->n++;
		}
	}
	struct cell_slot *s = cell_slot_of(r, results_cell_key_hash(interp, workload, count, repeat),
					   interp, workload, count, repeat);
	if (s->cell)
		return &r->cells[s->cell - 1];
	/* not indexed yet (added, named later than a lookup): look at the rest */
	for (size_t i = r->n_cells_indexed; i < r->n_cells; i++)
		if (cell_has_key(&r->cells[i], interp, workload, count, repeat))
			return &r->cells[i];
	return NULL;
}

/* ------------------------------------------------------ order of cells */

static int cmp_place(const void *a, const void *b, void *arg)
{
	const struct cell_place *x = a, *y = b;
	const struct cell *cells = arg, *cx = &cells[x->cell], *cy = &cells[y->cell];
	if (x->interp != y->interp)
		return x->interp < y->interp ? -1 : 1;
	if (x->workload != y->workload)
		return x->workload < y->workload ? -1 : 1;
	if (cx->count != cy->count)
		return cx->count < cy->count ? -1 : 1;
	if (cx->repeat != cy->repeat)
		return cx->repeat < cy->repeat ? -1 : 1;
	return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* The rank of name in ranks, given the next rank when it is new. */
static size_t rank_of(struct keymap *ranks, const char *name, size_t *next)
{
	size_t k;
	if (!keymap_gets(ranks, name, &k))
		keymap_puts(ranks, name, k = (*next)++);
	return k;
}

struct cell_place *results_cell_order(const struct results *r)
{
	/*
	 * interpreters: their place in the document, then those only cells
	 * name in order of appearance; workloads: their place in
	 * config.workloads, then in order of appearance
	 */
	struct keymap interps = KEYMAP_INIT, workloads = KEYMAP_INIT;
	size_t n_i = 0, n_w = 0;
	for (size_t i = 0; i < r->n_interps; i++)
		rank_of(&interps, r->interps[i].name, &n_i);
	for (size_t i = 0; i < r->config.workloads.n; i++)
		rank_of(&workloads, r->config.workloads.v[i], &n_w);
	struct cell_place *order = xcalloc(r->n_cells + 1, sizeof(*order));
	const char *last_i = NULL, *last_w = NULL;   /* a run of cells shares its names */
	size_t rank_i = 0, rank_w = 0;
	int sorted = 1;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (!last_i || strcmp(last_i, c->interpreter))
			rank_i = rank_of(&interps, last_i = c->interpreter, &n_i);
		if (!last_w || strcmp(last_w, c->workload))
			rank_w = rank_of(&workloads, last_w = c->workload, &n_w);
		order[i] = (struct cell_place){ .cell = i, .interp = rank_i, .workload = rank_w };
		sorted = sorted && (!i || cmp_place(&order[i - 1], &order[i], r->cells) < 0);
	}
	if (!sorted) /* a file objmem wrote is in this order already */
		qsort_r(order, r->n_cells, sizeof(*order), cmp_place, r->cells);
	keymap_release(&interps);
	keymap_release(&workloads);
	return order;
}

void results_sort_cells(struct results *r)
{
	size_t n = r->n_cells;
	if (n < 2)
		return;
	struct cell_place *order = results_cell_order(r);
	/*
	 * the permutation applied in place, a cycle at a time (no second array
	 * of cells: at 10k cells that was 7 MB of fresh memory); a place done
	 * is marked as holding its own cell
	 */
	for (size_t i = 0; i < n; i++) {
		if (order[i].cell == i)
			continue;
		struct cell first = r->cells[i];
		size_t j = i;
		for (;;) {
			size_t from = order[j].cell;
			order[j].cell = j;
			if (from == i) {
				r->cells[j] = first;
				break;
			}
			r->cells[j] = r->cells[from];
			j = from;
		}
	}
	free(order);
	cell_index_clear(&r->cell_index);
	r->n_cells_indexed = 0;
}

/* -------------------------------------------------------- cells, interps */

void cell_init(struct cell *c)
{
	memset(c, 0, sizeof(*c));
	c->getsizeof = -1;
	c->container_bytes = -1;
	strvec_init(&c->warnings);
}

/* Two strings, either NULL, the same. */
static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

const char *cell_diff(const struct cell *a, const struct cell *b)
{
	if (!same_str(a->interpreter, b->interpreter))
		return "interpreter";
	if (!same_str(a->workload, b->workload))
		return "workload";
	if (a->count != b->count || a->repeat != b->repeat || a->status != b->status)
		return "count, repeat or status";
	if (!same_str(a->reason, b->reason))
		return "reason";
	if (a->getsizeof != b->getsizeof || a->container_bytes != b->container_bytes)
		return "getsizeof or container_bytes";
	for (int p = 0; p < PHASE_COUNT; p++) {
		const struct mem_sample *x = &a->samples[p], *y = &b->samples[p];
		if (x->valid != y->valid || x->rss != y->rss || x->pss != y->pss ||
		    x->uss != y->uss || x->anon != y->anon || x->swap != y->swap ||
		    x->private_clean != y->private_clean)
			return "samples";
	}
	if (a->peak.valid != b->peak.valid || a->peak.vm_hwm != b->peak.vm_hwm ||
	    a->peak.rss_anon_max != b->peak.rss_anon_max || a->peak.polls != b->peak.polls)
		return "peak";
	const struct malloc_count *ma[2] = { &a->malloc_base, &a->malloc_full },
				  *mb[2] = { &b->malloc_base, &b->malloc_full };
	for (int i = 0; i < 2; i++)
		if (ma[i]->valid != mb[i]->valid || ma[i]->in_use != mb[i]->in_use ||
		    ma[i]->free != mb[i]->free)
			return "malloc";
	if (memcmp(&a->wall_s, &b->wall_s, sizeof(a->wall_s)) || a->pid != b->pid)
		return "wall_s or pid";
	if (a->warnings.n != b->warnings.n)
		return "warnings";
	for (size_t i = 0; i < a->warnings.n; i++)
		if (strcmp(a->warnings.v[i], b->warnings.v[i]))
			return "warnings";
	if (!same_str(a->stderr_tail, b->stderr_tail) || !same_str(a->note, b->note))
		return "stderr_tail or note";
	return NULL;
}

void cell_release(struct cell *c)
{
	free(c->interpreter);
	free(c->workload);
	free(c->reason);
	free(c->stderr_tail);
	free(c->note);
	strvec_clear(&c->warnings);
	cell_init(c);
}

void cell_copy(struct cell *dst, const struct cell *src)
{
	*dst = *src;
	dst->interpreter = dup_or_null(src->interpreter);
	dst->workload = dup_or_null(src->workload);
	dst->reason = dup_or_null(src->reason);
	dst->stderr_tail = dup_or_null(src->stderr_tail);
	dst->note = dup_or_null(src->note);
	strvec_copy(&dst->warnings, &src->warnings);
}

void interp_init(struct interp *in)
{
	memset(in, 0, sizeof(*in));
	strvec_init(&in->argv);
	strvec_init(&in->env);
	strvec_init(&in->tags);
}

void interp_release(struct interp *in)
{
	free(in->name);
	free(in->origin);
	free(in->skip_reason);
	strvec_clear(&in->argv);
	strvec_clear(&in->env);
	strvec_clear(&in->tags);
	cJSON_Delete(in->probe);
	interp_init(in);
}

void interp_copy(struct interp *dst, const struct interp *src)
{
	interp_init(dst);
	dst->name = dup_or_null(src->name);
	dst->origin = dup_or_null(src->origin);
	dst->skip_reason = dup_or_null(src->skip_reason);
	strvec_copy(&dst->argv, &src->argv);
	strvec_copy(&dst->env, &src->env);
	strvec_copy(&dst->tags, &src->tags);
	dst->probe = src->probe ? cJSON_Duplicate(src->probe, 1) : NULL;
}

void config_set_adaptive(struct config *c)
{
	c->repeat = REPEAT_AUTO_MAX;
	c->repeat_min = REPEAT_AUTO_MIN;
	free(c->repeat_rule);
	c->repeat_rule = xasprintf("%d repetitions, then one more at a time up to %d until two "
				   "ok ones grew by the same bytes within one page",
				   REPEAT_AUTO_MIN, REPEAT_AUTO_MAX);
}

/* What an ok cell's owned memory grew by from base to full, in bytes; 0 when none. */
static int cell_growth(const struct cell *c, int64_t *out)
{
	if (c->status != CELL_OK || !c->samples[PHASE_BASE].valid || !c->samples[PHASE_FULL].valid)
		return 0;
	*out = (int64_t)mem_sample_owned(&c->samples[PHASE_FULL]) -
	       (int64_t)mem_sample_owned(&c->samples[PHASE_BASE]);
	return 1;
}

int row_settled(const struct cell *const *cells, size_t n, int64_t page_size)
{
	int64_t page = page_size > 0 ? page_size : 4096, a, b;
	size_t ok = 0;
	for (size_t i = 0; i < n; i++)
		ok += cell_growth(cells[i], &a);
	if (n >= REPEAT_AUTO_MIN && !ok)
		return 1;   /* its first cells all failed: more would not agree either */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; cell_growth(cells[i], &a) && j < n; j++)
			if (cell_growth(cells[j], &b) && (a > b ? a - b : b - a) <= page)
				return 1;
	return 0;
}

int cell_bytes_per_object(const struct cell *c, double *out)
{
	if (c->status != CELL_OK || c->count == 0 ||
	    !c->samples[PHASE_BASE].valid || !c->samples[PHASE_FULL].valid)
		return -1;
	double d = (double)mem_sample_owned(&c->samples[PHASE_FULL]) -
		   (double)mem_sample_owned(&c->samples[PHASE_BASE]);
	*out = d / (double)c->count;
	return 0;
}
