/*
 * sysinfo.h - facts about the machine that change memory figures, for the
 * "machine" object of a results document: hostname, kernel, OS, CPU model
 * and count, memory, page size, transparent huge page modes, glibc version.
 * Missing facts are left out, not invented.
 */
#ifndef OBJMEM_SYSINFO_H
#define OBJMEM_SYSINFO_H

#include <cjson/cJSON.h>

/* A new cJSON object describing this machine; never NULL. */
cJSON *sysinfo_machine(void);

/* The bracketed word of a THP sysfs file ("always [madvise] never"), or NULL. */
char *sysinfo_thp_mode(const char *text);

#endif
