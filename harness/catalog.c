/* catalog.c - workloads, interpreter definitions and discovery; see catalog.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "jsonutil.h"
#include "spawn.h"
#include "textfmt.h"


static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *objmem_srcdir(const char *marker)
{
	const char *env = getenv("OBJMEM_SRCDIR");
	if (env && *env)
		return xstrdup(env);
	char *self = self_dir();
	static const char *const rel[] = { "", "/..", "/../..", "/../share/objmem" };
	for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
		char *d = xasprintf("%s%s", self, rel[i]);
		char *probe = xasprintf("%s/%s", d, marker);
		int ok = is_file(probe);
		free(probe);
		if (ok) {
			char real[PATH_MAX];
			free(self);
			if (realpath(d, real)) {
				free(d);
				return xstrdup(real);
			}
			return d;
		}
		free(d);
	}
	free(self);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The DESCRIPTION = "..." line of a workload file, or "". */
static char *read_description(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return xstrdup("");
	char line[1024];
	char *desc = NULL;
	while (!desc && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DESCRIPTION", 11))
			continue;
		char *q = strpbrk(line, "\"'");
		if (!q)
			continue;
		char quote = *q;
		char *e = strchr(q + 1, quote);
		if (e)
			desc = xstrndup(q + 1, (size_t)(e - q - 1));
	}
	fclose(f);
	return desc ? desc : xstrdup("");
}

/* Whether a workload file says "prepare" at all (else it has no prepare step). */
static int mentions_prepare(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 1;   /* not known: prepare, which says what is wrong */
	char line[4096];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "prepare") != NULL;
	fclose(f);
	return found;
}

/*
 * The names a workload declares on its PARAMS = {'name': default, ...} line
 * (one line, as the bundled tries write it) into out.
 */
static void read_params(const char *path, struct strvec *out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "PARAMS", 6) || !strchr(line, '{'))
			continue;
		for (char *p = strchr(line, '{'); (p = strpbrk(p, "\"'")); ) {
			char q = *p++, *e = strchr(p, q);
			if (!e)
				break;
			char *after = e + 1 + strspn(e + 1, " \t");
			if (*after == ':')   /* a key, not a default */
				strvec_push(out, (*e = 0, p));
			p = after;
		}
		break;
	}
	fclose(f);
}

static void load_workloads(struct catalog *cat)
{
	char *dir = xasprintf("%s/workloads", cat->srcdir);
	DIR *d = opendir(dir);
	struct strvec names = STRVEC_INIT;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 4 || strcmp(e->d_name + n - 3, ".py") || e->d_name[0] == '_' ||
			    e->d_name[0] == '.' || !strcmp(e->d_name, "agent.py"))
				continue;
			if (!utf8_valid(e->d_name)) {
				/* a results file is UTF-8: such a name could not be told apart in it */
				warning("workload file in '%s' skipped: its name is not UTF-8 (rename it)",
					dir);
				continue;
			}
			/* a file spells '-' as '_' (dataclass_slots.py is dataclass-slots) */
			char *name = xstrndup(e->d_name, n - 3);
			for (char *p = name; *p; p++)
				if (*p == '_')
					*p = '-';
			strvec_push_nodup(&names, name);
		}
		closedir(d);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		xgrow((void **)&cat->workloads, sizeof(*cat->workloads), cat->n_workloads + 1,
		      &cat->alloc_workloads);
		struct workload_info *w = &cat->workloads[cat->n_workloads++];
		memset(w, 0, sizeof(*w));
		w->name = xstrdup(names.v[i]);
		char *file = xstrdup(names.v[i]);
		for (char *p = file; *p; p++)
			if (*p == '-')
				*p = '_';
		w->path = xasprintf("%s/%s.py", dir, file);
		free(file);
		w->description = read_description(w->path);
		read_params(w->path, &w->params);
		w->prepares = mentions_prepare(w->path);
	}
	strvec_clear(&names);
	free(dir);
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
			return 0;
	return 1;
}

static int def_error(const char *what, int index, const char *field, const char *msg)
{
	if (index >= 0)
		return error("%s: definition %d: '%s': %s", what, index + 1, field, msg);
	return error("%s: '%s': %s", what, field, msg);
}

static int string_array(const cJSON *v, struct strvec *out, const char *what, int index,
			const char *field, int allow_empty)
{
	if (!cJSON_IsArray(v))
		return def_error(what, index, field, "expected an array of strings");
	const cJSON *it;
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || !*it->valuestring)
			return def_error(what, index, field, "expected non-empty strings only");
		strvec_push(out, it->valuestring);
	}
	if (!allow_empty && !out->n)
		return def_error(what, index, field, "must not be empty: give the interpreter's executable first");
	return 0;
}

static int parse_one_def(struct catalog *cat, const cJSON *obj, const char *what, int index)
{
	static const char *const known[] = { "name", "argv", "env", "tags", "description",
					     "provision", "comment" };
	if (!cJSON_IsObject(obj))
		return def_error(what, index, "(definition)", "expected a JSON object");
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		int ok = 0;
		for (size_t i = 0; i < ARRAY_SIZE(known); i++)
			ok |= !strcmp(it->string, known[i]);
		if (!ok)
			return def_error(what, index, it->string,
					 "unknown key (known: name, argv, env, tags, description, provision)");
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
	if (!cJSON_IsString(name))
		return def_error(what, index, "name", "missing or not a string");
	if (!valid_name(name->valuestring))
		return def_error(what, index, "name",
				 "use 1 to 64 letters, digits, '.', '_', '+' or '-'");
	for (size_t i = 0; i < cat->n_defs; i++)
		if (!strcmp(cat->defs[i].in.name, name->valuestring))
			return error("%s: definition '%s' is already defined in '%s': rename one of them",
				     what, name->valuestring, cat->defs[i].in.origin);

	struct def d;
	memset(&d, 0, sizeof(d));
	interp_init(&d.in);
	d.in.name = xstrdup(name->valuestring);
	d.in.origin = xstrdup(what);
	int rc = string_array(cJSON_GetObjectItemCaseSensitive(obj, "argv"), &d.in.argv, what,
			      index, "argv", 0);
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(obj, "env");
	if (!rc && env) {
		if (!cJSON_IsObject(env)) {
			rc = def_error(what, index, "env", "expected an object of strings");
		} else {
			cJSON_ArrayForEach(it, env) {
				if (!cJSON_IsString(it) || !*it->string || strchr(it->string, '=')) {
					rc = def_error(what, index, "env",
						       "each entry is \"NAME\": \"value\" with a string value");
					break;
				}
				strvec_setenv(&d.in.env, it->string, it->valuestring);
			}
		}
	}
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(obj, "tags");
	if (!rc && tags)
		rc = string_array(tags, &d.in.tags, what, index, "tags", 1);
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(obj, "description");
	if (!rc && desc && !cJSON_IsString(desc))
		rc = def_error(what, index, "description", "expected a string");
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(obj, "provision");
	if (!rc && prov && !cJSON_IsString(prov))
		rc = def_error(what, index, "provision", "expected a string");
	if (rc) {
		interp_release(&d.in);
		return -1;
	}
	d.description = xstrdup(cJSON_IsString(desc) ? desc->valuestring : "");
	d.provision = cJSON_IsString(prov) ? xstrdup(prov->valuestring) : NULL;
	const char *path = strvec_getenv(&d.in.env, "PATH");
	d.resolved = spawn_which(d.in.argv.v[0], path ? path : getenv("PATH"));
	xgrow((void **)&cat->defs, sizeof(*cat->defs), cat->n_defs + 1, &cat->alloc_defs);
	cat->defs[cat->n_defs++] = d;
	return 0;
}

int catalog_parse_defs(struct catalog *cat, const char *text, size_t len, const char *what)
{
	/* a key given twice would be read as its first and silently drop the other */
	cJSON *doc = json_parse_flags(text, len, what, JSON_UNIQUE_KEYS);
	if (!doc)
		return -1;
	int rc = 0;
	if (cJSON_IsArray(doc)) {
		int i = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, doc) {
			if ((rc = parse_one_def(cat, it, what, i++)))
				break;
		}
		if (!rc && i == 0)
			rc = error("%s: empty array: a definition file holds one definition or a list of them",
				   what);
	} else {
		rc = parse_one_def(cat, doc, what, -1);
	}
	cJSON_Delete(doc);
	return rc;
}

int catalog_load_def_file(struct catalog *cat, const char *path)
{
	struct buf b = BUF_INIT;
	if (read_file(path, 1 << 20, &b)) {
		buf_release(&b);
		return -1;
	}
	int rc = catalog_parse_defs(cat, b.p, b.len, path);
	buf_release(&b);
	return rc;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISDIR(mode))
		return "a directory";
	return "not a regular file";
}

/*
 * Whether path is a file to read. stat, not open: opening a FIFO waits for
 * a writer forever. A path stat cannot follow (a dangling symlink) is read,
 * so that the reading error stops the run as for any unreadable definition.
 */
static int is_def_file(const char *path)
{
	struct stat st;
	if (stat(path, &st) || S_ISREG(st.st_mode))
		return 1;
	warning("'%s' is %s, not a regular file: skipped (a definition is a regular "
		"JSON file; remove it or rename it without .json)", path, file_kind(st.st_mode));
	return 0;
}

int catalog_load_def_dir(struct catalog *cat, const char *dir)
{
	strvec_push(&cat->def_dirs, dir);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct strvec files = STRVEC_INIT;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json") && e->d_name[0] != '.')
			strvec_pushf(&files, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < files.n && !rc; i++)
		if (is_def_file(files.v[i]))
			rc = catalog_load_def_file(cat, files.v[i]);
	strvec_clear(&files);
	return rc;
}

char *user_data_dir(void)
{
	const char *x = getenv("XDG_DATA_HOME");
	if (x && *x)
		return xasprintf("%s/objmem", x);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/objmem", home && *home ? home : "/tmp");
}

int catalog_load(struct catalog *cat)
{
	memset(cat, 0, sizeof(*cat));
	strvec_init(&cat->def_dirs);
	cat->srcdir = objmem_srcdir("workloads/agent.py");
	if (!cat->srcdir)
		return error("cannot find objmem's workloads/agent.py next to the executable; "
			     "set OBJMEM_SRCDIR to the directory that holds workloads/");
	cat->agent = xasprintf("%s/workloads/agent.py", cat->srcdir);
	load_workloads(cat);
	char *dir = xasprintf("%s/interpreters", cat->srcdir);
	int rc = catalog_load_def_dir(cat, dir);
	free(dir);
	const char *extra = getenv("OBJMEM_INTERPRETERS");
	if (!rc && extra && *extra) {
		char *copy = xstrdup(extra), *save = NULL;
		for (char *p = strtok_r(copy, ":", &save); p && !rc; p = strtok_r(NULL, ":", &save))
			rc = catalog_load_def_dir(cat, p);
		free(copy);
	}
	if (!rc) {
		char *data = user_data_dir();
		char *udir = xasprintf("%s/interpreters", data);
		rc = catalog_load_def_dir(cat, udir);
		free(udir);
		free(data);
	}
	return rc;
}

void catalog_release(struct catalog *cat)
{
	for (size_t i = 0; i < cat->n_workloads; i++) {
		free(cat->workloads[i].name);
		free(cat->workloads[i].description);
		free(cat->workloads[i].path);
		strvec_clear(&cat->workloads[i].params);
	}
	free(cat->workloads);
	for (size_t i = 0; i < cat->n_defs; i++) {
		interp_release(&cat->defs[i].in);
		free(cat->defs[i].description);
		free(cat->defs[i].provision);
		free(cat->defs[i].resolved);
	}
	free(cat->defs);
	strvec_clear(&cat->def_dirs);
	strvec_clear(&cat->params);
	strvec_clear(&cat->env);
	free(cat->srcdir);
	free(cat->agent);
	memset(cat, 0, sizeof(*cat));
}

const struct workload_info *catalog_workload(const struct catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->n_workloads; i++)
		if (!strcmp(cat->workloads[i].name, name))
			return &cat->workloads[i];
	return NULL;
}

const struct workload_info *catalog_add_workload_file(struct catalog *cat, const char *path)
{
	char real[PATH_MAX];
	if (!realpath(path, real) || !is_file(real)) {
		error("workload file '%s' not found", path);
		return NULL;
	}
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	size_t n = strlen(base);
	if (n < 4 || strcmp(base + n - 3, ".py")) {
		error("workload file '%s' must be a .py file", path);
		return NULL;
	}
	if (!utf8_valid(base)) {
		/* a results file is UTF-8: two such names could read the same in it */
		error("workload file '%s': its name is not UTF-8; rename the file", path);
		return NULL;
	}
	char *name = xstrndup(base, n - 3);
	const struct workload_info *old = catalog_workload(cat, name);
	if (old) {
		int same = !strcmp(old->path, real);
		if (!same)
			error("workload '%s' from '%s' has the name of '%s': rename the file", name, path, old->path);
		free(name);
		return same ? old : NULL;
	}
	xgrow((void **)&cat->workloads, sizeof(*cat->workloads), cat->n_workloads + 1,
	      &cat->alloc_workloads);
	struct workload_info *w = &cat->workloads[cat->n_workloads++];
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->path = xstrdup(real);
	w->description = read_description(real);
	read_params(real, &w->params);
	w->prepares = mentions_prepare(real);
	w->external = 1;
	return w;
}

const char *workload_agent_arg(const struct catalog *cat, const char *name)
{
	const struct workload_info *w = catalog_workload(cat, name);
	return w && w->external ? w->path : name;
}

const struct def *catalog_def(const struct catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->n_defs; i++)
		if (!strcmp(cat->defs[i].in.name, name))
			return &cat->defs[i];
	return NULL;
}

const char *catalog_suggest(const struct catalog *cat, const char *name, int workloads)
{
	size_t n = workloads ? cat->n_workloads : cat->n_defs;
	const char **cands = xcalloc(n ? n : 1, sizeof(*cands));
	for (size_t i = 0; i < n; i++)
		cands[i] = workloads ? cat->workloads[i].name : cat->defs[i].in.name;
	const char *best = closest_name(name, cands, n);
	free(cands);
	return best;
}

static int is_elf_executable(const char *path)
{
	if (access(path, X_OK))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	unsigned char m[4] = { 0 };
	ssize_t n = read(fd, m, 4);
	close(fd);
	return n == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

/* python, python3, python3.12, python3.13t, python3.11d, pypy, pypy3, micropython */
static int looks_like_python(const char *n)
{
	const char *rest;
	if (!strcmp(n, "micropython"))
		return 1;
	if (!strncmp(n, "python", 6))
		rest = n + 6;
	else if (!strncmp(n, "pypy", 4))
		rest = n + 4;
	else
		return 0;
	if (!*rest)
		return 1;
	if (*rest < '0' || *rest > '9')
		return 0;
	while ((*rest >= '0' && *rest <= '9') || *rest == '.')
		rest++;
	if (*rest == 't' || *rest == 'd')
		rest++;
	return *rest == '\0' && rest[-1] != '.';
}

static void add_found(const char *path, const char *origin, struct strvec *paths,
		      struct strvec *origins, struct strvec *reals)
{
	char real[PATH_MAX];
	if (!realpath(path, real) || !is_elf_executable(real))
		return;
	if (strvec_find(reals, real) >= 0)
		return;
	strvec_push(reals, real);
	strvec_push(paths, path);
	strvec_push(origins, origin);
}

static void scan_dir(const char *dir, const char *origin, struct strvec *paths,
		     struct strvec *origins, struct strvec *reals)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct strvec names = STRVEC_INIT;
	struct dirent *e;
	while ((e = readdir(d)))
		if (looks_like_python(e->d_name))
			strvec_push(&names, e->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *p = xasprintf("%s/%s", dir, names.v[i]);
		add_found(p, origin, paths, origins, reals);
		free(p);
	}
	strvec_clear(&names);
}

void discover_interpreters(struct strvec *paths, struct strvec *origins)
{
	struct strvec reals = STRVEC_INIT;
	const char *path = getenv("PATH");
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
			if (*p == '/')
				scan_dir(p, "PATH", paths, origins, &reals);
		free(copy);
	}
	const char *root = getenv("PYENV_ROOT");
	const char *home = getenv("HOME");
	char *versions = root && *root ? xasprintf("%s/versions", root)
		: xasprintf("%s/.pyenv/versions", home ? home : "");
	DIR *d = opendir(versions);
	if (d) {
		struct strvec vs = STRVEC_INIT;
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				strvec_push(&vs, e->d_name);
		closedir(d);
		if (vs.n)
			qsort(vs.v, vs.n, sizeof(*vs.v), cmp_str);
		for (size_t i = 0; i < vs.n; i++) {
			static const char *const exe[] = { "python", "python3", "python2", "pypy3", "pypy" };
			for (size_t k = 0; k < ARRAY_SIZE(exe); k++) {
				char *p = xasprintf("%s/%s/bin/%s", versions, vs.v[i], exe[k]);
				int found = is_file(p);
				if (found)
					add_found(p, "pyenv", paths, origins, &reals);
				free(p);
				if (found)
					break;
			}
		}
		strvec_clear(&vs);
	}
	free(versions);
	strvec_clear(&reals);
}

int interp_from_path(const char *arg, struct interp *out)
{
	char *found = spawn_which(arg, getenv("PATH"));
	if (!found) {
		if (strchr(arg, '/'))
			return error("interpreter '%s' is not an executable file", arg);
		return error("no interpreter definition, discovered interpreter or command on PATH "
			     "is called '%s' (see: objmem list interpreters)", arg);
	}
	char real[PATH_MAX];
	interp_init(out);
	out->name = xstrdup(arg);
	if (!strchr(found, '/') || !realpath(found, real))
		snprintf(real, sizeof(real), "%s", found);
	strvec_push(&out->argv, found[0] == '/' ? found : real);
	out->origin = xstrdup(strchr(arg, '/') ? "path" : "PATH");
	free(found);
	return 0;
}

char *config_cache_dir(void)
{
	const char *c = getenv("OBJMEM_CACHE");
	if (c && *c)
		return xstrdup(c);
	const char *x = getenv("XDG_CACHE_HOME");
	if (x && *x)
		return xasprintf("%s/objmem", x);
	const char *home = getenv("HOME");
	return xasprintf("%s/.cache/objmem", home && *home ? home : "/tmp");
}

/*
 * What a child is given of the driver's own environment: only these, so a
 * run from a terminal, from cron and from a Slurm job lays the interpreter
 * out alike. Everything else changes what is measured: the interpreter
 * copies the environment into os.environ before the first sample, and a
 * hundred more variables (a Slurm job's) moved a 10k-object figure of the
 * system python3 by 6 pages (2.4 bytes per object).
 */
static const char *const passed_env[] = { "PATH", "HOME", "TMPDIR", "LD_LIBRARY_PATH", "CC" };
#define CHILD_LOCALE "C.UTF-8"

char *config_child_env_words(void)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "only");
	for (size_t i = 0; i < ARRAY_SIZE(passed_env); i++)
		buf_addf(&b, "%s %s", i ? (i + 1 == ARRAY_SIZE(passed_env) ? " and" : ",") : "",
			 passed_env[i]);
	buf_addf(&b, " from the driver's environment; LC_ALL=%s, PYTHONHASHSEED=0, "
		 "PYTHONDONTWRITEBYTECODE=1, PYTHONUNBUFFERED=1 and OBJMEM_CACHE; then run --env, "
		 "then the definition's env", CHILD_LOCALE);
	return buf_detach(&b);
}

int config_env_name_ok(const char *name, size_t n, const char **why)
{
	static const char *const ours[] = { "PYTHON", "PYPY", "OBJMEM_", "MALLOC_ARENA_MAX" };
	int ident = n && !(name[0] >= '0' && name[0] <= '9');
	for (size_t i = 0; i < n; i++)
		ident &= name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
			 (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9');
	if (!ident) {
		*why = "not a variable name (letters, digits and _, not first a digit)";
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++)
		if (n >= strlen(ours[i]) && !strncmp(name, ours[i], strlen(ours[i]))) {
			*why = i < 2 ? "it makes another build of the interpreter: write a definition "
				       "with it in its env (interpreters/write-definition --env)"
				     : "objmem sets it itself (see --malloc-arena-max, --param)";
			return 0;
		}
	return 1;
}

/* Every "NAME=VALUE" of kv set in env, over what it had. */
static void setenv_each(struct strvec *env, const struct strvec *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		const char *eq = strchr(kv->v[i], '=');
		char *k = xstrndup(kv->v[i], (size_t)(eq - kv->v[i]));
		strvec_setenv(env, k, eq + 1);
		free(k);
	}
}

void config_child_env(const struct interp *in, const struct strvec *extra, struct strvec *env)
{
	for (size_t i = 0; i < ARRAY_SIZE(passed_env); i++) {
		const char *v = getenv(passed_env[i]);
		if (v)
			strvec_setenv(env, passed_env[i], v);
	}
	strvec_setenv(env, "LC_ALL", CHILD_LOCALE);
	if (extra)
		setenv_each(env, extra);
	setenv_each(env, &in->env);
	char *cache = config_cache_dir();
	strvec_setenv(env, "OBJMEM_CACHE", cache);
	free(cache);
	/*
	 * String hashing is randomised per process unless this is set, and a
	 * different seed lays dicts out differently: enough to take one more
	 * 256 KiB pymalloc arena in one repetition than in the next (measured:
	 * 0.54% of 1M records on 3.8). A definition may still set its own.
	 */
	if (!strvec_getenv(&in->env, "PYTHONHASHSEED"))
		strvec_setenv(env, "PYTHONHASHSEED", "0");
	strvec_setenv(env, "PYTHONDONTWRITEBYTECODE", "1");
	strvec_setenv(env, "PYTHONUNBUFFERED", "1");
}
