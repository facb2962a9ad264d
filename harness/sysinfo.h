/*
 * sysinfo.h - facts about the machine that change memory figures, for the
 * machine of a results document (struct machine): hostname, kernel, OS, CPU model
 * and count, memory, page size, transparent huge page modes, glibc version.
 * Missing facts are left out, not invented.
 */
#ifndef OBJMEM_SYSINFO_H
#define OBJMEM_SYSINFO_H

#include "results.h"

/* Describe this machine into m (released first; present set). */
void sysinfo_machine(struct machine *m);

/* A line of /proc/meminfo in bytes ("MemTotal", "MemAvailable"), or -1. */
int64_t sysinfo_meminfo(const char *key);

/* The bracketed word of a THP sysfs file ("always [madvise] never"), or NULL. */
char *sysinfo_thp_mode(const char *text);

#endif
