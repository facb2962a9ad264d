/*
 * catalog.h - what a run can use: the workloads (workloads/NAME.py) and the
 * interpreters (definition files, plus discovery on PATH and under pyenv).
 *
 * Owns: the catalog, the loading and validation of interpreter definitions
 * (errors name file, line and column or the field), discovery, the
 * resolution of a -i argument (definition name, discovered name, path, or
 * command on PATH), and the environment a child gets.
 *
 * Definition files are read from <srcdir>/interpreters/NAME.json, then each
 * directory of $OBJMEM_INTERPRETERS (colon-separated), then
 * ${XDG_DATA_HOME:-$HOME/.local/share}/objmem/interpreters/NAME.json.
 */
#ifndef OBJMEM_CATALOG_H
#define OBJMEM_CATALOG_H

#include <stddef.h>

#include "results.h"
#include "util.h"

struct workload_info {
	char *name;
	char *description;
	char *path;
	int external;         /* given by path (-w ./my_workload.py), not from workloads/ */
	struct strvec params; /* the names its PARAMS = {...} line declares (run --param) */
	int prepares;         /* its text says "prepare": it may have a prepare() step to
				 run once per interpreter (agent.py prepare); without it
				 there is nothing to prepare */
};

struct def {
	struct interp in;     /* name, argv (argv[0] as written), env, tags, origin */
	char *description;
	char *provision;      /* the provision target that makes it, or NULL */
	char *resolved;       /* argv[0] found on disk, or NULL when not installed */
};

struct catalog {
	char *srcdir;         /* holds workloads/, plots/, interpreters/ */
	char *agent;          /* srcdir/workloads/agent.py */
	struct workload_info *workloads;
	size_t n_workloads, alloc_workloads;
	struct def *defs;
	size_t n_defs, alloc_defs;
	struct strvec def_dirs; /* where definitions were looked for */
	struct strvec params;   /* run --param NAME=VALUE: each workload that declares
				   NAME gets it (the children's OBJMEM_PARAMS) */
	struct strvec env;      /* run --env NAME=VALUE: every child, probes included */
};

/*
 * Find the source directory (OBJMEM_SRCDIR, the executable's directory, or
 * the installed share directory), list workloads and load every definition.
 * Returns 0, or -1 after printing what was wrong (a bad definition stops the
 * run: it is a typo the user wants to hear about).
 */
int catalog_load(struct catalog *cat);

/*
 * The directory objmem's files are in: $OBJMEM_SRCDIR, else the first of
 * the executable's directory, its parent, grandparent or ../share/objmem
 * that holds marker (a relative path such as "plots/common.gp"). NULL if none.
 */
char *objmem_srcdir(const char *marker);
void catalog_release(struct catalog *cat);

/*
 * Add a workload file given by path (-w path/to/name.py); its name is the
 * file's stem. Returns the entry, or NULL with a message printed.
 */
const struct workload_info *catalog_add_workload_file(struct catalog *cat, const char *path);
/* What the agent is given for a workload: its name, or the path of an external one. */
const char *workload_agent_arg(const struct catalog *cat, const char *name);

const struct workload_info *catalog_workload(const struct catalog *cat, const char *name);
const struct def *catalog_def(const struct catalog *cat, const char *name);
/* The known name closest to name (workloads or definitions), or NULL. */
const char *catalog_suggest(const struct catalog *cat, const char *name, int workloads);

/*
 * Load definitions from one file into cat (object or array of objects).
 * Exposed for tests and the definition writer's checks.
 */
int catalog_load_def_file(struct catalog *cat, const char *path);
/*
 * Parse definitions from text; what names the source in messages. A key
 * given twice in one object is an error (FILE:LINE:COL, the key).
 */
int catalog_parse_defs(struct catalog *cat, const char *text, size_t len, const char *what);
/*
 * Load every NAME.json of dir in name order (a missing dir has none) and
 * add dir to cat->def_dirs. Only regular files (or symlinks to them) are
 * opened: a FIFO, socket, device or directory is skipped with a warning
 * naming it (opening a FIFO waits for a writer forever; opening a device
 * may act). Returns 0, or -1 at the first bad definition. Exposed for tests.
 */
int catalog_load_def_dir(struct catalog *cat, const char *dir);

/*
 * Discover python executables on PATH and under pyenv. Appends "path"
 * entries to out: absolute paths, ELF executables only (wrappers and pyenv
 * shims are skipped), deduplicated by real path.
 */
void discover_interpreters(struct strvec *paths, struct strvec *origins);

/*
 * Build an interp for a -i argument that is a path or a command on PATH.
 * Returns 0, or -1 with a message printed.
 */
int interp_from_path(const char *arg, struct interp *out);

/*
 * The environment of a child, the same wherever objmem runs: PATH, HOME,
 * TMPDIR, LD_LIBRARY_PATH and CC from the driver's own and nothing else of it,
 * LC_ALL=C.UTF-8, then extra ("NAME=VALUE", run --env; may be NULL), then
 * the definition's env, then OBJMEM_CACHE, PYTHONHASHSEED=0 (unless the
 * definition sets it), PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED.
 */
void config_child_env(const struct interp *in, const struct strvec *extra, struct strvec *env);

/* config_child_env in words, for the results' config.child_env; the caller frees. */
char *config_child_env_words(void);

/*
 * Whether name[0..n) may be given to the children with run --env: 1, or 0
 * with *why (not a variable name; PYTHON* and PYPY*, which make another
 * build and belong in a definition; a variable objmem sets itself).
 */
int config_env_name_ok(const char *name, size_t n, const char **why);

/* ${XDG_DATA_HOME:-$HOME/.local/share}/objmem, where provisioned builds go. */
char *user_data_dir(void);

/* The cache directory for built extensions: $OBJMEM_CACHE or XDG cache. */
char *config_cache_dir(void);

#endif
