/*
 * procmem.h - reading a live process's memory from /proc.
 *
 * Owns: the parsing of /proc/PID/smaps_rollup, /proc/PID/smaps,
 * /proc/PID/status and /proc/PID/stat, and of the kernel's "name value"
 * counter files (/proc/vmstat, a cgroup's memory.events). A struct procmem holds an open directory fd of
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

/* A process as /proc/PID/stat tells it. */
struct proc_stat {
	char state;                     /* R, S, D, T, Z, ... */
	pid_t ppid, pgrp, session;
	unsigned long long start_ticks; /* clock ticks after boot: tells a reused pid apart */
};

/* Read /proc/PID/stat. 0, or -1 with errno ESRCH/ENOENT when there is no such process. */
int procmem_stat(pid_t pid, struct proc_stat *out);
/* Parse stat text (the process name may hold spaces and parentheses). 0 or -1 with *why. */
int procmem_parse_stat(const char *text, size_t len, struct proc_stat *out, const char **why);

/*
 * The value of the line "key N" in a counter file (/proc/vmstat,
 * memory.events, memory.oom_control): 0 with *out set, -1 when the key is
 * not there or its value is not a decimal number.
 */
int procmem_parse_counter(const char *text, size_t len, const char *key, uint64_t *out);
/*
 * Read a small text file (a /proc or cgroup file) into buf, NUL-terminated,
 * at most size - 1 bytes; no message. The bytes read, or -1 with errno.
 */
ssize_t procmem_read_text(const char *path, char *buf, size_t size);
/* The kernel's OOM kills since boot (/proc/vmstat oom_kill); -1 when unknown. */
long long procmem_oom_kills(void);

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
