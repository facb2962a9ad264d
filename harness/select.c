/* select.c - choosing and probing the interpreters of a run; see select.h. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "probe.h"
#include "probecache.h"
#include "select.h"
#include "spawn.h"

char *select_identity(const struct interp *in)
{
	struct buf b = BUF_INIT;
	const cJSON *exe = in->probe ? cJSON_GetObjectItemCaseSensitive(in->probe, "executable") : NULL;
	char real[PATH_MAX];
	if (cJSON_IsString(exe))
		buf_addstr(&b, exe->valuestring);
	else if (in->argv.n && realpath(in->argv.v[0], real))
		buf_addstr(&b, real);
	else if (in->argv.n)
		buf_addstr(&b, in->argv.v[0]);
	/* each element with its length, so "a b" and "a", "b" differ */
	for (size_t i = 1; i < in->argv.n; i++)
		buf_addf(&b, " %zu:%s", strlen(in->argv.v[i]), in->argv.v[i]);
	/* env in sorted order */
	struct strvec env = STRVEC_INIT;
	strvec_copy(&env, &in->env);
	for (size_t i = 1; i < env.n; i++)
		for (size_t j = i; j > 0 && strcmp(env.v[j - 1], env.v[j]) > 0; j--) {
			char *t = env.v[j];
			env.v[j] = env.v[j - 1];
			env.v[j - 1] = t;
		}
	for (size_t i = 0; i < env.n; i++)
		buf_addf(&b, " |%zu:%s", strlen(env.v[i]), env.v[i]);
	strvec_clear(&env);
	return buf_detach(&b);
}

/* The probe's facts that make a build what it is (not where its cache lives). */
static const char *const build_keys[] = {
	"implementation", "implementation_version", "version", "debug", "allocator",
	"gil_disabled", "pointer_bits", "abiflags", "configure_args", "compiler",
};

int select_same_build(const struct interp *a, const struct interp *b, char **why)
{
	*why = NULL;
	char *ia = select_identity(a), *ib = select_identity(b);
	int same = !strcmp(ia, ib);
	if (!same)
		*why = xasprintf("command '%s' then '%s'", a->argv.n ? a->argv.v[0] : "?",
				 b->argv.n ? b->argv.v[0] : "?");
	free(ia);
	free(ib);
	for (size_t k = 0; same && a->probe && b->probe && k < ARRAY_SIZE(build_keys); k++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(a->probe, build_keys[k]);
		const cJSON *y = cJSON_GetObjectItemCaseSensitive(b->probe, build_keys[k]);
		if ((!x) != (!y) || (x && !cJSON_Compare(x, y, 1))) {
			char *vx = x ? cJSON_PrintUnformatted(x) : xstrdup("absent");
			char *vy = y ? cJSON_PrintUnformatted(y) : xstrdup("absent");
			*why = xasprintf("%s %s then %s", build_keys[k], vx, vy);
			free(vx);
			free(vy);
			same = 0;
		}
	}
	return same;
}

/* The first bytes of path are want (n of them). */
static int starts_with(const char *path, const char *want, size_t n)
{
	char head[256];
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t got = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[got] = 0;
	return got >= n && !memcmp(head, want, n);
}

/*
 * A pyenv shim is a bash script that runs `pyenv exec`: about 85 ms of
 * bash and pyenv before the interpreter starts, in every cell. Once the
 * probe has said which executable it runs (sys.executable, an ELF file),
 * the cells start that, and the probe records the shim it replaced
 * ("resolved_from"). Only pyenv's shims: another wrapper may set what the
 * interpreter sees, and is run as given.
 */
static void resolve_shim(struct interp *in)
{
	const cJSON *exe = cJSON_GetObjectItemCaseSensitive(in->probe, "executable");
	if (!in->argv.n || !cJSON_IsString(exe) || !strstr(in->argv.v[0], "/shims/"))
		return;
	char head[512];
	FILE *f = fopen(in->argv.v[0], "re");
	size_t got = f ? fread(head, 1, sizeof(head) - 1, f) : 0;
	if (f)
		fclose(f);
	head[got] = 0;
	if (strncmp(head, "#!", 2) || !strstr(head, "pyenv") ||
	    !starts_with(exe->valuestring, "\x7f" "ELF", 4) || access(exe->valuestring, X_OK))
		return;
	cJSON_AddStringToObject(in->probe, "resolved_from", in->argv.v[0]);
	free(in->argv.v[0]);
	in->argv.v[0] = xstrdup(exe->valuestring);
}

/* A probe kept from an earlier run of the same build, else a fresh one (then kept). */
static int probe_one(const struct catalog *cat, struct interp *in, double timeout, char **why)
{
	char *key = probecache_key(cat, in);
	cJSON *kept = key ? probecache_get(key) : NULL;
	int rc = 0;
	if (kept) {
		cJSON_Delete(in->probe);
		in->probe = kept;
	} else {
		rc = agent_probe(cat, in, timeout, why);
		if (!rc && key)
			probecache_put(key, in->probe);
	}
	free(key);
	return rc;
}

struct probe_job {
	const struct catalog *cat;
	struct interp *in;
	double timeout;
	char *why;
	int rc;
};

static void *probe_thread(void *arg)
{
	struct probe_job *j = arg;
	j->rc = probe_one(j->cat, j->in, j->timeout, &j->why);
	return NULL;
}

/* Probe every interpreter not yet skipped, two at a time. */
static void probe_all(const struct catalog *cat, struct results *r, double timeout)
{
	size_t n = r->n_interps;
	struct probe_job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	for (size_t i = 0; i < n; i += 2) {
		pthread_t th[2];
		int started[2] = { 0, 0 };
		for (size_t k = 0; k < 2 && i + k < n; k++) {
			struct probe_job *j = &jobs[i + k];
			j->cat = cat;
			j->in = &r->interps[i + k];
			j->timeout = timeout;
			if (j->in->skip_reason || j->in->probe)
				continue; /* found by name through discovery: probed already */
			started[k] = !pthread_create(&th[k], NULL, probe_thread, j);
			if (!started[k])
				probe_thread(j);
		}
		for (size_t k = 0; k < 2; k++)
			if (started[k])
				pthread_join(th[k], NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct interp *in = &r->interps[i];
		if (!in->skip_reason && jobs[i].rc)
			in->skip_reason = xasprintf("probe failed: %s", jobs[i].why ? jobs[i].why : "?");
		else if (!in->skip_reason && in->probe)
			resolve_shim(in);
		free(jobs[i].why);
	}
	free(jobs);
}

static void add_def(struct results *r, const struct def *d)
{
	struct interp *in = results_add_interp(r);
	interp_copy(in, &d->in);
	if (!d->resolved) {
		in->skip_reason = d->provision
			? xasprintf("not installed: '%s' not found; get it with: ./interpreters/provision %s",
				    d->in.argv.v[0], d->provision)
			: xasprintf("not installed: '%s' not found", d->in.argv.v[0]);
	} else if (strcmp(d->resolved, in->argv.v[0])) {
		free(in->argv.v[0]);
		in->argv.v[0] = xstrdup(d->resolved);
	}
}

/*
 * A -i argument that is the name discovery gives a build ("cpython-2.7.18"):
 * discover and probe until one has that name. Returns 0 with *out filled.
 */
static int find_discovered(const struct catalog *cat, const char *name, double timeout,
			   struct interp *out, struct strvec *found)
{
	struct strvec paths = STRVEC_INIT, origins = STRVEC_INIT;
	discover_interpreters(&paths, &origins);
	int rc = -1;
	for (size_t i = 0; i < paths.n && rc; i++) {
		struct interp in;
		interp_init(&in);
		in.name = xstrdup(paths.v[i]);
		strvec_push(&in.argv, paths.v[i]);
		in.origin = xstrdup(origins.v[i]);
		char *why = NULL;
		if (!probe_one(cat, &in, timeout, &why)) {
			char *pn = probe_name(in.probe);
			strvec_push(found, pn);
			if (!strcmp(pn, name)) {
				free(in.name);
				in.name = pn;
				*out = in;
				rc = 0;
				free(why);
				continue;
			}
			free(pn);
		}
		free(why);
		interp_release(&in);
	}
	strvec_clear(&paths);
	strvec_clear(&origins);
	return rc;
}

static void drop_interp(struct results *r, size_t i)
{
	interp_release(&r->interps[i]);
	memmove(&r->interps[i], &r->interps[i + 1], (r->n_interps - i - 1) * sizeof(*r->interps));
	r->n_interps--;
	results_reindex(r);
}

/* Every definition (installed, or all) and every interpreter discovered. */
static void add_all(const struct catalog *cat, const struct select_opts *opts, struct results *r)
{
	struct strvec discovered = STRVEC_INIT, origins = STRVEC_INIT;
	for (size_t i = 0; i < cat->n_defs; i++)
		if (cat->defs[i].resolved || opts->include_missing)
			add_def(r, &cat->defs[i]);
	discover_interpreters(&discovered, &origins);
	for (size_t i = 0; i < discovered.n; i++) {
		struct interp *in = results_add_interp(r);
		in->name = xstrdup(discovered.v[i]); /* renamed after the probe */
		strvec_push(&in->argv, discovered.v[i]);
		in->origin = xstrdup(origins.v[i]);
	}
	strvec_clear(&discovered);
	strvec_clear(&origins);
}

/* One -i argument: a definition, a discovered name, a path or a command. 0 or -1. */
static int add_named(const struct catalog *cat, const struct select_opts *opts, const char *arg,
		     struct results *r)
{
	const struct def *d = catalog_def(cat, arg);
	if (d) {
		add_def(r, d);
		return 0;
	}
	struct interp tmp;
	int is_cmd = strchr(arg, '/') != NULL;
	if (!is_cmd) {
		char *path = spawn_which(arg, getenv("PATH"));
		is_cmd = path != NULL;
		free(path);
	}
	struct strvec found = STRVEC_INIT;   /* the builds discovery found, by name */
	if (!is_cmd && !find_discovered(cat, arg, opts->probe_timeout_s, &tmp, &found)) {
		*results_add_interp(r) = tmp;
		strvec_clear(&found);
		return 0;
	}
	int rc = interp_from_path(arg, &tmp);
	if (!rc) {
		*results_add_interp(r) = tmp;
	} else {
		/* suggest among the builds that are here: installed definitions, discovered ones */
		for (size_t i = 0; i < cat->n_defs; i++)
			if (cat->defs[i].resolved)
				strvec_push(&found, cat->defs[i].in.name);
		const char *sug = closest_name(arg, (const char *const *)found.v, found.n);
		if (sug)
			fprintf(stderr, "hint: did you mean '%s'?\n", sug);
	}
	strvec_clear(&found);
	return rc ? -1 : 0;
}

static int found_by_path(const struct interp *in)
{
	return !strcmp(in->origin, "PATH") || !strcmp(in->origin, "pyenv") ||
	       !strcmp(in->origin, "path");
}

/* Drop what discovery found that is no Python, and second copies of one build. */
static void drop_duplicates(struct results *r, size_t first, int explicit, int quiet)
{
	for (size_t i = first; i < r->n_interps; i++) {
		struct interp *in = &r->interps[i];
		int discovered = !strcmp(in->origin, "PATH") || !strcmp(in->origin, "pyenv");
		if (in->skip_reason && !explicit) {
			/* a discovered executable that is not a working Python: not worth a row */
			if (discovered)
				drop_interp(r, i--);
			continue;
		}
		char *id = select_identity(in);
		for (size_t j = first; j < i; j++) {
			if (r->interps[j].skip_reason)
				continue;
			char *other = select_identity(&r->interps[j]);
			int same = !strcmp(id, other);
			free(other);
			if (!same)
				continue;
			if (!discovered && !quiet)
				warning("interpreter '%s' (%s) is the same build as '%s': measured once, as '%s'",
					in->name, in->origin, r->interps[j].name, r->interps[j].name);
			drop_interp(r, i--);
			break;
		}
		free(id);
	}
}

int select_interpreters(const struct catalog *cat, const struct select_opts *opts,
			struct results *r)
{
	size_t first = r->n_interps;
	int explicit = opts->names && opts->names->n;
	if (!explicit)
		add_all(cat, opts, r);
	for (size_t k = 0; explicit && k < opts->names->n; k++)
		if (add_named(cat, opts, opts->names->v[k], r))
			return -1;
	probe_all(cat, r, opts->probe_timeout_s);

	/* Name what was found by path from its probe. */
	for (size_t i = first; i < r->n_interps; i++) {
		struct interp *in = &r->interps[i];
		if (found_by_path(in) && in->probe && (!explicit || strchr(in->name, '/'))) {
			free(in->name);
			in->name = probe_name(in->probe);
		}
	}
	drop_duplicates(r, first, explicit, opts->quiet);
	/* Two different builds with one name get a suffix. */
	struct keymap seen = KEYMAP_INIT;
	for (size_t i = first; i < r->n_interps; i++) {
		size_t n = 0;
		keymap_gets(&seen, r->interps[i].name, &n);
		keymap_puts(&seen, r->interps[i].name, n + 1);
		if (n) {
			char *nn = xasprintf("%s-%zu", r->interps[i].name, n + 1);
			free(r->interps[i].name);
			r->interps[i].name = nn;
		}
	}
	keymap_release(&seen);
	results_reindex(r);
	return 0;
}
