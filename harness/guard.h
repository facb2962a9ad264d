/*
 * guard.h - nothing a run starts outlives objmem, even when objmem is
 * killed with SIGKILL (which no handler sees, and which PR_SET_PDEATHSIG
 * covers only for the direct child, not for what the child forked).
 *
 * guard_start forks a small guard process that holds the read end of a
 * pipe. Every child's process group is registered with it (spawn.c does
 * this) and unregistered once the group has been killed or has ended. When
 * the pipe closes because objmem ended in any way, the guard SIGKILLs every
 * group still registered, then exits. Registration writes one short line to
 * the pipe, which is atomic, so threads need no lock.
 *
 * A process that left its group (setsid, setpgid) is out of reach of a
 * group kill. Two things catch it: the cgroup bases registered with
 * guard_add_cgroups (cgroup.c does this), whose groups objmem-PID-* of this
 * driver the guard kills (cgroup.kill) and removes; and, without cgroups,
 * the processes reaper.c has found outside the groups, registered by pid
 * and start time (the guard checks the start time before it kills, so a
 * reused pid is spared).
 */
#ifndef OBJMEM_GUARD_H
#define OBJMEM_GUARD_H

#include <sys/types.h>

/* Start the guard; call before any thread starts. Returns 0 or -1 (warned). */
int guard_start(void);
/* Register and unregister a process group (no-op without a guard). */
void guard_add(pid_t pgid);
void guard_remove(pid_t pgid);
/*
 * Register one process (no group of its own needed), known by its start
 * time (/proc/PID/stat): the guard kills it, and the group it leads, only
 * if that pid is still that process. guard_remove(pid) unregisters it.
 */
void guard_add_process(pid_t pid, unsigned long long start_ticks);
/* Register a cgroup base: its groups objmem-<driver pid>-* are killed and removed. */
void guard_add_cgroups(const char *base);
/* The guard's pid (a child of objmem that is none of the children it runs), or -1. */
pid_t guard_pid(void);

#endif
