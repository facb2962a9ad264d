/*
 * procmem.h - reading a live process's memory from /proc.
 *
 * Owns: the parsing of /proc/PID/smaps_rollup, /proc/PID/smaps and
 * /proc/PID/status. A struct procmem holds an open directory fd of
 * /proc/PID, so every read is relative to the same process even if the pid
 * is reused. Whether the kernel has smaps_rollup is checked once per handle;
 * without it the per-mapping smaps are summed.
 *
 * USS = Private_Clean + Private_Dirty + Private_Hugetlb. All values bytes.
 * A process that vanished is a normal outcome: the calls return -1 with
 * errno ESRCH or ENOENT and print nothing; callers decide what it means.
 *
 * The parsers are pure functions on text so the tests and the fuzzers can
 * feed them fixture files.
 */
#ifndef OBJMEM_PROCMEM_H
#define OBJMEM_PROCMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "results.h"

struct procmem {
	int dirfd;
	int use_rollup; /* -1 unknown, 0 no, 1 yes */
	int force_smaps; /* set by caller (or OBJMEM_NO_ROLLUP=1) to skip rollup */
};

/* Parsed /proc/PID/status fields we use (bytes; 0 if absent). */
struct proc_status {
	uint64_t vm_hwm, vm_rss, rss_anon, rss_file, vm_swap;
	int have_hwm, have_rss_anon;
};

/* Open /proc/PID. Returns 0, or -1 with errno set (nothing printed). */
int procmem_open(struct procmem *pm, pid_t pid);
void procmem_close(struct procmem *pm);

/*
 * Sample rss, pss, uss, anon and swap. Returns 0 with out->valid = 1, or -1
 * with errno set: ESRCH/ENOENT when the process is gone, EINVAL when the
 * file did not parse (then *why, if given, names what was wrong).
 */
int procmem_sample(struct procmem *pm, struct mem_sample *out, const char **why);
/* Read /proc/PID/status. Same return convention. */
int procmem_status(struct procmem *pm, struct proc_status *out);
/* Whether the last procmem_sample used smaps_rollup (1) or smaps (0). */
int procmem_used_rollup(const struct procmem *pm);

/*
 * Parse smaps or smaps_rollup text (the same parser serves both: fields of
 * every mapping are summed). Returns 0, or -1 with *why set to a static
 * message ("no Rss line", "bad number in 'Pss:' line", ...). text need not
 * be NUL-terminated.
 */
int procmem_parse_smaps(const char *text, size_t len, struct mem_sample *out,
			const char **why);
/* Parse status text. Returns 0, or -1 with *why set. */
int procmem_parse_status(const char *text, size_t len, struct proc_status *out,
			 const char **why);

#endif
