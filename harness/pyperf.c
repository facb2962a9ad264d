/* pyperf.c - a results file as a pyperf BenchmarkSuite; see pyperf.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "keymap.h"
#include "probe.h"
#include "pyperf.h"
#include "textfmt.h"
#include "util.h"

/* pyperf refuses empty strings and line breaks in metadata: such a value is not added. */
static void add_meta(cJSON *meta, const char *key, const char *value)
{
	if (value && *value && !strpbrk(value, "\r\n"))
		cJSON_AddStringToObject(meta, key, value);
}

static cJSON *suite_metadata(const struct results *r)
{
	cJSON *meta = cJSON_CreateObject();
	add_meta(meta, "objmem_version", r->objmem_version);
	add_meta(meta, "date", r->created);
	add_meta(meta, "hostname", r->machine.hostname);
	if (r->machine.os && r->machine.kernel) {
		char *platform = xasprintf("%s, Linux %s", r->machine.os, r->machine.kernel);
		add_meta(meta, "platform", platform);
		free(platform);
	}
	if (r->machine.cpus > 0)
		cJSON_AddNumberToObject(meta, "cpu_count", (double)r->machine.cpus);
	add_meta(meta, "label", r->label);
	return meta;
}

/* A new benchmark for the key of c, added to benches. */
static cJSON *new_benchmark(cJSON *benches, const struct results *r, const struct cell *c)
{
	cJSON *b = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(b, "metadata");
	char *name = xasprintf("%s/%s/%" PRIu64, c->interpreter, c->workload, c->count);
	add_meta(meta, "name", name);
	free(name);
	add_meta(meta, "unit", "byte");
	add_meta(meta, "description", "bytes per object: USS growth from base to full / count");
	add_meta(meta, "objmem_interpreter", c->interpreter);
	add_meta(meta, "objmem_workload", c->workload);
	cJSON_AddItemToObject(meta, "objmem_count", json_u64(c->count));
	const struct interp *in = results_find_interp(r, c->interpreter);
	if (in && in->probe) {
		add_meta(meta, "python_implementation", probe_str(in->probe, "implementation"));
		add_meta(meta, "python_version", probe_str(in->probe, "version"));
		char *label = probe_label(in->probe, &in->env);
		add_meta(meta, "objmem_build", label);
		free(label);
	}
	cJSON_AddArrayToObject(b, "runs");
	cJSON_AddItemToArray(benches, b);
	return b;
}

int pyperf_print(FILE *out, const struct results *r, uint64_t count)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "version", "1.0");
	cJSON_AddItemToObject(doc, "metadata", suite_metadata(r));
	cJSON *benches = cJSON_AddArrayToObject(doc, "benchmarks");
	struct keymap seen = KEYMAP_INIT;
	struct buf key = BUF_INIT;
	cJSON **made = xcalloc(r->n_cells + 1, sizeof(*made));
	size_t n_made = 0, left_out = 0;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		double bpo;
		if (c->status != CELL_OK || (count && c->count != count) ||
		    cell_bytes_per_object(c, &bpo))
			continue;
		if (!(bpo > 0)) {
			left_out++;
			continue;
		}
		size_t at;
		keymap_key(&key, c->interpreter, c->workload, c->count, 0);
		if (!keymap_get(&seen, key.p, key.len, &at)) {
			at = n_made;
			made[n_made++] = new_benchmark(benches, r, c);
			keymap_put(&seen, key.p, key.len, at);
		}
		cJSON *run = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(run, "metadata");
		cJSON_AddNumberToObject(meta, "objmem_repeat", c->repeat);
		cJSON *values = cJSON_AddArrayToObject(run, "values");
		cJSON_AddItemToArray(values, cJSON_CreateNumber(bpo));
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(made[at], "runs"), run);
	}
	int rc = 0;
	if (left_out)
		warning("pyperf: %zu repetition%s left out: a figure of 0 bytes or less, and "
			"pyperf takes values > 0", left_out, left_out == 1 ? "" : "s");
	if (!n_made) {
		rc = error("pyperf: nothing to export: no ok repetition with a figure above 0%s",
			   count ? " at this count" : "");
	} else {
		char *text = json_print_exact(doc, 1);
		fputs(text, out);
		free(text);
	}
	free(made);
	buf_release(&key);
	keymap_release(&seen);
	cJSON_Delete(doc);
	return rc;
}
