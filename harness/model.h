/*
 * model.h - the in-memory form of one results document: the interpreters a
 * run used, with their probes, and every cell it measured. results.c owns
 * reading and writing it as JSON (schema objmem-results/1), stats.c derives
 * the summary and fits from the cells. Nothing here does I/O.
 *
 * A cell is one fresh child process: (interpreter, workload, count, repeat).
 * Memory figures are bytes, as read from /proc; a sample that was not taken
 * has valid == 0 and is written as null, never as 0.
 */
#ifndef OBJMEM_MODEL_H
#define OBJMEM_MODEL_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "util.h"

#define RESULTS_SCHEMA "objmem-results/1"

enum phase { PHASE_START, PHASE_BASE, PHASE_FULL, PHASE_FREED, PHASE_COUNT };
/* "start", "base", "full", "freed"; phase_from_name returns -1 if unknown. */
const char *phase_name(enum phase p);
int phase_from_name(const char *name);

/*
 * uss = Private_Clean + Private_Dirty + Private_Hugetlb, as DESIGN.md pins.
 * private_clean is kept apart because it is not the process's own doing:
 * a library's clean pages count as private only while no other process maps
 * the same file, so it jumps by the size of libpython's text when a second
 * process of the same build starts or ends (measured: 2.3 to 4.4 MB).
 * Deltas and bytes per object therefore use mem_sample_owned().
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
	cJSON *probe;        /* what the agent reported, or NULL */
	char *skip_reason;   /* set when the interpreter cannot run at all */
};

struct results {
	char *objmem_version;
	char *created;       /* UTC ISO 8601 */
	char *label;         /* optional revision label, or NULL */
	cJSON *machine;      /* owned; see sysinfo.h */
	cJSON *config;       /* owned; counts, repeat, jobs, ... */
	struct interp *interps;
	size_t n_interps, alloc_interps;
	struct cell *cells;
	size_t n_cells, alloc_cells;
};

void results_init(struct results *r);
void results_release(struct results *r);
/* Append a copy-initialised element and return it (zeroed, then filled). */
struct interp *results_add_interp(struct results *r);
struct cell *results_add_cell(struct results *r);
struct interp *results_find_interp(struct results *r, const char *name);
/* Find the cell with this key, or NULL. */
struct cell *results_find_cell(struct results *r, const char *interp,
			       const char *workload, uint64_t count, int repeat);

void cell_init(struct cell *c);
void cell_release(struct cell *c);
/* Deep copy of src into dst (dst is overwritten, not released). */
void cell_copy(struct cell *dst, const struct cell *src);
void interp_init(struct interp *in);
void interp_release(struct interp *in);
void interp_copy(struct interp *dst, const struct interp *src);

/*
 * Per-object bytes of a finished ok cell: the USS delta from base to full
 * divided by count, with clean (shareable) pages left out of both samples;
 * see struct mem_sample.
 */
int cell_bytes_per_object(const struct cell *c, double *out);

#endif
