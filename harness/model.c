/* model.c - the in-memory results document; see model.h. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

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

void results_init(struct results *r)
{
	memset(r, 0, sizeof(*r));
}

void results_release(struct results *r)
{
	free(r->objmem_version);
	free(r->created);
	free(r->label);
	cJSON_Delete(r->machine);
	cJSON_Delete(r->config);
	for (size_t i = 0; i < r->n_interps; i++)
		interp_release(&r->interps[i]);
	free(r->interps);
	for (size_t i = 0; i < r->n_cells; i++)
		cell_release(&r->cells[i]);
	free(r->cells);
	memset(r, 0, sizeof(*r));
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

struct interp *results_find_interp(struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_interps; i++)
		if (!strcmp(r->interps[i].name, name))
			return &r->interps[i];
	return NULL;
}

struct cell *results_find_cell(struct results *r, const char *interp,
			       const char *workload, uint64_t count, int repeat)
{
	for (size_t i = 0; i < r->n_cells; i++) {
		struct cell *c = &r->cells[i];
		if (c->count == count && c->repeat == repeat &&
		    !strcmp(c->interpreter, interp) && !strcmp(c->workload, workload))
			return c;
	}
	return NULL;
}

void cell_init(struct cell *c)
{
	memset(c, 0, sizeof(*c));
	c->getsizeof = -1;
	c->container_bytes = -1;
	strvec_init(&c->warnings);
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

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
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
