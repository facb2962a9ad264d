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
 */
#ifndef OBJMEM_GUARD_H
#define OBJMEM_GUARD_H

#include <sys/types.h>

/* Start the guard; call before any thread starts. Returns 0 or -1 (warned). */
int guard_start(void);
/* Register and unregister a process group (no-op without a guard). */
void guard_add(pid_t pgid);
void guard_remove(pid_t pgid);

#endif
