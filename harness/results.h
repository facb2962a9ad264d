/*
 * results.h - the one model of a results document (schema objmem-results/1,
 * README "Results format") and its JSON form.
 *
 * Owns: the cells, the interpreters, the machine and the run configuration
 * as typed structs, the JSON field names of all of them (results_json.c
 * reads and writes them; no other module reads a field of the document by
 * its name), lookups by key (O(1), through an index built as cells and
 * interpreters are added), and the one order of cells: interpreter (its
 * place in the document), workload (its place in config.workloads, others
 * after them by name), count, repetition.
 *
 * A cell is one fresh child process: (interpreter, workload, count,
 * repeat). Memory figures are bytes, as read from /proc; a sample that was
 * not taken has valid == 0 and is written as null, never as 0. The summary
 * and the fits are derived (stats.h): written for other tools, recomputed
 * on reading.
 *
 * Steps: results_init, results_load (or fill by hand: results_add_*),
 * results_find_*, results_sort_cells, results_write, results_release.
 */
#ifndef OBJMEM_RESULTS_H
#define OBJMEM_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "keymap.h"
#include "util.h"

#define RESULTS_SCHEMA "objmem-results/1"

enum phase { PHASE_START, PHASE_BASE, PHASE_FULL, PHASE_FREED, PHASE_COUNT };
/* "start", "base", "full", "freed"; phase_from_name returns -1 if unknown. */
const char *phase_name(enum phase p);
int phase_from_name(const char *name);

/*
 * uss = Private_Clean + Private_Dirty + Private_Hugetlb, as the README
 * defines it. private_clean is kept apart because it is not the process's
 * own doing: a library's clean pages count as private only while no other
 * process maps the same file, so it jumps by the size of libpython's text
 * when a second process of the same build starts or ends (measured: 2.3 to
 * 4.4 MB). Deltas and bytes per object therefore use mem_sample_owned().
 */
struct mem_sample {
	int valid;
	uint64_t rss, pss, uss, anon, swap;
	uint64_t private_clean;
};

/* USS without clean pages: the private memory the process itself wrote. */
static inline uint64_t mem_sample_owned(const struct mem_sample *s)
{
	return s->uss >= s->private_clean ? s->uss - s->private_clean : 0;
}

/* Highest values seen while the child filled its container. */
struct mem_peak {
	int valid;
	uint64_t vm_hwm;       /* VmHWM at the end of the fill */
	uint64_t rss_anon_max; /* largest RssAnon among the polls */
	unsigned polls;
};

/*
 * glibc malloc's own count of its main arena, as the child read it
 * (mallinfo2) where the driver sampled: only where the objects come from
 * malloc (CPython with PYTHONMALLOC=malloc or without pymalloc).
 */
struct malloc_count {
	int valid;
	int64_t in_use;  /* uordblks + hblkhd: chunks handed out, headers included */
	int64_t free;    /* fordblks - keepcost: freed chunks kept in its bins */
};

enum cell_status { CELL_PENDING, CELL_OK, CELL_FAILED, CELL_SKIPPED };
/* "pending", "ok", "failed", "skipped"; from_name returns -1 if unknown. */
const char *cell_status_name(enum cell_status s);
int cell_status_from_name(const char *name);

struct cell {
	char *interpreter;  /* interp.name */
	char *workload;
	uint64_t count;
	int repeat;         /* 1-based repetition number */
	enum cell_status status;
	char *reason;       /* why failed or skipped; NULL when ok */
	int64_t getsizeof;  /* sys.getsizeof of one instance, -1 if none */
	int64_t container_bytes; /* the [None]*count list, -1 if unknown */
	struct mem_sample samples[PHASE_COUNT];
	struct malloc_count malloc_base, malloc_full; /* invalid where not counted */
	struct mem_peak peak;
	double wall_s;
	int pid;            /* child pid, for the record */
	struct strvec warnings;   /* e.g. "swap in use at full: 4096 bytes" */
	char *stderr_tail;  /* last lines the child wrote on stderr, or NULL */
	char *note;         /* a workload's own remark (e.g. "__slots__ ignored") */
};

struct interp {
	char *name;
	struct strvec argv;  /* interpreter argv, without the agent's arguments */
	struct strvec env;   /* "KEY=VALUE" added to the child's environment */
	struct strvec tags;
	char *origin;        /* definition file, "path", "PATH" or "pyenv" */
	cJSON *probe;        /* what the agent reported, or NULL (probe.h reads it) */
	char *skip_reason;   /* set when the interpreter cannot run at all */
};

/* Facts about the machine that change memory figures (sysinfo.c fills them). */
struct machine {
	int present;         /* the document has a machine object */
	char *hostname, *kernel, *os, *arch, *cpu_model;
	int64_t cpus, mem_total, page_size;   /* -1: not recorded */
	char *thp_enabled, *thp_defrag, *glibc;
	int smaps_rollup;    /* -1: not recorded, else 0 or 1 */
	cJSON *extra;        /* fields this objmem does not know, kept as they came */
};

/* One input of a merged file. */
struct merged_from {
	char *source, *created, *label, *shard;
	uint64_t cells;
};

/* How the run was made; what a reader needs to tell two runs apart. */
struct config {
	int present;         /* the document has a config object */
	uint64_t *counts;    /* ascending, every count the file holds a cell of */
	size_t n_counts;
	int repeat, jobs;    /* 0: not recorded; adaptive: repeat is the most run */
	int repeat_min;      /* adaptive repetitions (-r auto): at least this many of
				each row, more only until two agree (repeat_rule);
				0: every row runs repeat times */
	char *repeat_rule;   /* the adaptive rule, in words; NULL: fixed */
	struct strvec workloads;
	char *preset;
	double timeout_s, poll_s;   /* 0: not recorded */
	uint64_t max_memory;        /* 0: no cap */
	uint64_t memory_budget;     /* the cells running at once fit their predicted
				       peaks in it (memplan.h); 0: not recorded */
	char *memory_limit;         /* what held it: "cgroup memory.max", "rss checks", ...; NULL: no cap */
	int thp_disabled;           /* prctl(PR_SET_THP_DISABLE) in the children */
	int aslr_disabled;          /* 1: the children's addresses not randomized
				       (spawn.h fixed_layout); 0: randomized; -1: not recorded */
	int cpu;                    /* -1: not pinned */
	char *malloc_arena_max;     /* NULL: not set */
	char *memory_source;        /* "smaps_rollup" or "smaps"; NULL: not recorded */
	int shard_k, shard_n;       /* n = 0: the whole matrix */
	char *bytes_per_object;     /* the formula, in words */
	char *child_env;            /* what the children's environment was, in words */
	struct strvec command;      /* the command line */
	struct strvec params;       /* run --param NAME=VALUE, as given */
	struct strvec env;          /* run --env NAME=VALUE, as the children had it */
	struct merged_from *merged; /* the inputs of `objmem merge`, n_merged of them */
	size_t n_merged;
	int is_merged;              /* written by merge (merged_from present, maybe empty) */
	cJSON *extra;               /* fields this objmem does not know */
};

struct results {
	char *objmem_version;
	char *created;       /* UTC ISO 8601 */
	char *label;         /* optional revision label, or NULL */
	struct machine machine;
	struct config config;
	struct interp *interps;
	size_t n_interps, alloc_interps;
	struct cell *cells;
	size_t n_cells, alloc_cells;
	cJSON *views;        /* the interpreter's own views per workload (views.h), or NULL */
	/* private: indexes by key, extended lazily over appended entries */
	struct cell_index {
		struct cell_slot *slots; /* open addressing; cap is 0 or a power of two */
		size_t cap, n;
	} cell_index;
	struct keymap interp_index;
	size_t n_cells_indexed, n_interps_indexed;
};

void results_init(struct results *r);
void results_release(struct results *r);

/*
 * Append a zeroed element and return it; fill its key fields before the
 * next lookup. The pointer is valid until the next add.
 */
struct interp *results_add_interp(struct results *r);
struct cell *results_add_cell(struct results *r);
/*
 * By name, or NULL. Like strchr, the lookups take a const document: their
 * index is a cache, brought up to date on the way.
 */
struct interp *results_find_interp(const struct results *r, const char *name);
/*
 * The hash of a cell's key (interpreter, workload, count, repeat): FNV-1a
 * over the two names with their NULs and the two numbers, as keymap_key
 * lays them out. The index of results_find_cell and check of unique keys
 * on reading use it.
 */
uint64_t results_cell_key_hash(const char *interp, const char *workload, uint64_t count,
			       int repeat);
/* The cell with this key, or NULL (always for a NULL name). */
struct cell *results_find_cell(const struct results *r, const char *interp,
			       const char *workload, uint64_t count, int repeat);
/* Drop the lookups' index (after cells were reordered or removed by hand). */
void results_reindex(struct results *r);

/* Where a cell goes in the one order of cells (see above). */
struct cell_place {
	size_t cell;               /* index into r->cells */
	size_t interp, workload;   /* ranks: two cells with equal ranks have equal names */
};
/* r's cells in the one order, r unchanged: r->n_cells entries (free them). */
struct cell_place *results_cell_order(const struct results *r);
/* Put r->cells in the one order, and reindex. */
void results_sort_cells(struct results *r);
/* Add count to config.counts, keeping it ascending and unique. */
void results_config_add_count(struct results *r, uint64_t count);

/*
 * 0 when count is one of the document's counts (configured, or of a cell);
 * else -1 after an error naming the counts it has ("count 5k is not in the
 * results; they have 1k, 100k, 1M").
 */
int results_require_count(const struct results *r, uint64_t count);

/* The machine's page size, or 4096 when the file does not say. */
double results_page_size(const struct results *r);
/* The page size two files are compared at: the base's, else the newer one's
 * (compare and trend share it, so one pair of files gets one verdict). */
double results_pair_page_size(const struct results *base, const struct results *cur);

void cell_init(struct cell *c);
void cell_release(struct cell *c);
/* Deep copy of src into dst (dst is overwritten, not released). */
void cell_copy(struct cell *dst, const struct cell *src);
/*
 * The first field in which a and b differ, by name ("samples", "wall_s",
 * ...), or NULL when they hold the same (numbers bit for bit: -0.0 is not
 * 0.0). For the checks that two readers agree.
 */
const char *cell_diff(const struct cell *a, const struct cell *b);
void interp_init(struct interp *in);
void interp_release(struct interp *in);
void interp_copy(struct interp *dst, const struct interp *src);
void machine_release(struct machine *m);
void machine_copy(struct machine *dst, const struct machine *src);
void config_init(struct config *c);
void config_release(struct config *c);
void config_copy(struct config *dst, const struct config *src);

/*
 * Per-object bytes of a finished ok cell: the USS delta from base to full
 * divided by count, with clean (shareable) pages left out of both samples;
 * see struct mem_sample.
 */
int cell_bytes_per_object(const struct cell *c, double *out);

/*
 * Adaptive repetitions (run -r auto): a row (interpreter, workload, count)
 * runs REPEAT_AUTO_MIN cells, then one more at a time, up to
 * REPEAT_AUTO_MAX, until two of its ok cells agree: their owned memory grew
 * by the same bytes within one page (one page over the count in bytes per
 * object), so the row's median lies within that page of both; a row
 * whose first REPEAT_AUTO_MIN cells all failed ends there too.
 * config_set_adaptive records the rule in c (repeat, repeat_min,
 * repeat_rule); row_settled says whether the n cells of a row (any status)
 * settle it on a machine of this page size.
 */
#define REPEAT_AUTO_MIN 2
#define REPEAT_AUTO_MAX 5
void config_set_adaptive(struct config *c);
int row_settled(const struct cell *const *cells, size_t n, int64_t page_size);

/*
 * The fields of the machine and the configuration, described once: their
 * JSON names, and what other modules need to show or compare them.
 */
enum field_type { FIELD_STR, FIELD_INT, FIELD_I64, FIELD_U64, FIELD_DOUBLE, FIELD_BOOL,
		  FIELD_STRVEC, FIELD_COUNTS, FIELD_SHARD, FIELD_MERGED };
enum {
	FIELD_COMPARE = 1,  /* compare and merge warn when it differs between two files */
	FIELD_OMIT_EMPTY = 2, /* left out of the JSON when empty (a list added later) */
};
struct field_desc {
	const char *key;
	enum field_type type;
	size_t offset;
	unsigned flags;
	const char *words;  /* what it is, for messages: "page size" */
};
extern const struct field_desc machine_fields[];
extern const size_t n_machine_fields;
extern const struct field_desc config_fields[];
extern const size_t n_config_fields;
/*
 * A field's value as text (numbers exact, lists comma-separated), or NULL
 * when it is not recorded. obj is a struct machine or struct config.
 */
char *field_text(const void *obj, const struct field_desc *f);

/* ---- JSON (results_json.c) ---- */

/* The whole document, summary and fits included. Never NULL. */
cJSON *results_to_json(const struct results *r);
/*
 * Fill r (results_init'ed by the caller) from a parsed document. what names
 * the source in messages (a path or URL). Returns 0, or -1 after printing
 * "error: WHAT: PATH: ..." naming the field that was wrong.
 */
int results_from_json(const cJSON *doc, struct results *r, const char *what);
/* Parse text as a results document; syntax errors give line and column. */
int results_parse(const char *text, size_t len, struct results *r, const char *what);
/* Read a results file. Returns 0 or -1 (message printed). */
int results_load(const char *path, struct results *r);
/* Serialise and write atomically (temporary file, fsync, rename). */
int results_write(const struct results *r, const char *path);
/*
 * One cell as the one line of compact JSON results_write writes for it
 * (no newline), appended to out; and a cell back from JSON (path names it
 * in errors: "cells[3]"), 0 or -1 said.
 */
struct buf;
void results_cell_text(struct buf *out, const struct cell *c);
int results_cell_from_json(const cJSON *o, const char *what, const char *path, struct cell *c);
/* The text results_write writes: indented JSON ending with a newline. */
char *results_format(const struct results *r, size_t *len);

#endif
