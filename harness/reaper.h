/*
 * reaper.h - the orphans of children that have no cgroup (cgroup.h).
 *
 * A process that leaves its process group (setsid, setpgid) is out of
 * reach of a group kill, and one whose parent dies (a double fork, a
 * daemon) would be adopted by init. Without a cgroup to hold them, objmem
 * becomes a child subreaper (PR_SET_CHILD_SUBREAPER): orphans of its
 * children are adopted by objmem instead, and this module deals with them.
 *
 * Owns: the registry of the children objmem started (pid, start time);
 * being a subreaper; finding orphans (children of objmem that are neither
 * registered nor the guard); reaping the dead ones; killing the live ones
 * once they can only have come from a child that has ended; and killing a
 * process with all its descendants.
 *
 * Which child an orphan came from is not recorded anywhere. An orphan can
 * only descend from a child that started no later than it did, so one is
 * killed as soon as every registered child started after it: with one cell
 * at a time at the end of its cell, with several at the end of the last
 * cell that was running when it started, and at the latest at the end of
 * the run (reaper_scan(1) from main). Until then it is registered with the
 * guard by its pid and start time, so a SIGKILL of objmem kills it too.
 *
 * While a child runs, reaper_watch (every quarter second) also registers
 * with the guard the descendants that left its process group: a setsid
 * grandchild whose parent still lives is no orphan, and no group kill
 * reaches it. What started since the last look is not covered by the guard.
 *
 * Steps (spawn.c): reaper_lock, fork, reaper_add, reaper_unlock; now and
 * then reaper_watch; reaper_remove then reaper_scan(0) when the child is
 * done with.
 */
#ifndef OBJMEM_REAPER_H
#define OBJMEM_REAPER_H

#include <sys/types.h>

/* Become a child subreaper (once). 0, or -1 when the kernel refused. */
int reaper_enable(void);
int reaper_enabled(void);

/* Held around fork and reaper_add, so no scan sees a child before it is registered. */
void reaper_lock(void);
void reaper_unlock(void);
/* Register a child just forked (reaper_lock held). */
void reaper_add(pid_t pid);
/* The child is done with: it is no longer anyone's ancestor candidate. */
void reaper_remove(pid_t pid);

/*
 * Reap dead orphans; kill (with their descendants) and reap the live ones
 * that came from ended children, or all of them when kill_all; register
 * the others with the guard. Does nothing unless a subreaper.
 */
void reaper_scan(int kill_all);

/*
 * Register with the guard the descendants of child that left its process
 * group, then reaper_scan(0). Does nothing unless a subreaper.
 */
void reaper_watch(pid_t child);

/*
 * SIGSTOP pid and, round by round, every descendant it has (a stopped
 * process forks no more), then SIGKILL them all. Returns how many were
 * killed. The caller reaps pid if it is its child.
 */
int reaper_kill_tree(pid_t pid);

#endif
