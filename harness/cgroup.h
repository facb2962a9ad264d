/*
 * cgroup.h - a cgroup per child: the kernel holds a cell to --max-memory
 * from its first instruction, and everything the child starts stays in the
 * group, however it detaches (setsid, setpgid, a double fork), so that
 * killing the group kills all of it.
 *
 * Owns: finding, once per process, where objmem may make cgroups; making
 * one group per child, the child joining it between fork and exec, its
 * memory limit, its count of OOM kills, killing everything in it, removing
 * it; and telling the guard (guard.h) where the groups live, so the groups
 * of a SIGKILLed objmem are killed and removed too.
 *
 * Where the groups go, checked once (a test group is made and removed):
 *   - objmem's own cgroup v2 (the "0::PATH" line of /proc/self/cgroup under
 *     the cgroup2 mount of /proc/self/mountinfo): a child group
 *     objmem-PID-N there tracks the child; it is killed with cgroup.kill
 *     (Linux 5.14), else by SIGKILLing the pids of cgroup.procs until none
 *     is left. Its memory.max (with memory.swap.max 0 and memory.oom.group 1)
 *     is the limit when objmem's cgroup already enables the memory
 *     controller for its children (cgroup.subtree_control).
 *   - otherwise, on a machine whose memory controller is on cgroup v1 (a
 *     hybrid layout, as Debian's container hosts often have) or that has
 *     no cgroup v2 at all: a group objmem-PID-N under objmem's own v1
 *     memory cgroup, with memory.limit_in_bytes and
 *     memory.memsw.limit_in_bytes (no swap) as the limit.
 *   - neither (no cgroupfs, read-only, no permission, OBJMEM_CGROUP=off):
 *     cgroup_create fails with the reason and the caller falls back (the
 *     runner to RSS checks, spawn to process groups and a subreaper).
 * objmem writes nothing outside the groups it makes: it never enables a
 * controller or moves itself.
 *
 * Steps: cgroup_create before fork; in the child cgroup_join (async-signal
 * safe); in the parent cgroup_joined; later cgroup_oom_kills, cgroup_kill;
 * cgroup_remove at the end (kills what is left, removes the directories).
 */
#ifndef OBJMEM_CGROUP_H
#define OBJMEM_CGROUP_H

#include <stdint.h>

/* What holds a group's memory limit. */
enum cgroup_memory { CGROUP_MEMORY_NONE, CGROUP_MEMORY_V2, CGROUP_MEMORY_V1 };

struct cgroup {
	char *dir;          /* the cgroup v2 group, or NULL */
	char *mem_dir;      /* the cgroup v1 memory group, or NULL */
	int join_fd[2];     /* cgroup.procs of dir and mem_dir until the child joined, or -1 */
	enum cgroup_memory memory;
	uint64_t limit;     /* bytes, when memory is not NONE */
};

void cgroup_init(struct cgroup *g);
/* Whether g has a group (it was made and not yet removed). */
int cgroup_active(const struct cgroup *g);

/*
 * Make a group for a child about to be started, with a memory limit of
 * limit bytes when limit > 0 and the machine has a place for one (see
 * g->memory afterwards). Returns 0, or -1 with *why (malloc'ed) saying why
 * there is no group: g is then inactive and needs no cgroup_remove.
 */
int cgroup_create(struct cgroup *g, uint64_t limit, char **why);
/* In the child, between fork and exec: join the group. 0, or -1 with errno. */
int cgroup_join(const struct cgroup *g);
/* In the parent, after fork: close the descriptors the child joined through. */
void cgroup_joined(struct cgroup *g);
/* OOM kills in the group since it was made (memory.events, memory.oom_control); -1 unknown. */
long long cgroup_oom_kills(const struct cgroup *g);
/*
 * SIGKILL everything in the group and wait, at most timeout_s, until it is
 * empty. 0, or -1 when something is still there.
 */
int cgroup_kill(struct cgroup *g, double timeout_s);
/* Kill what is left, remove the directories (warning if one stays), free. */
void cgroup_remove(struct cgroup *g);

/* The limit this machine gives a group: NONE, V2 or V1 (discovers once). */
enum cgroup_memory cgroup_memory_available(void);
/* "cgroup memory.max", "cgroup v1 memory.limit_in_bytes"; NULL for NONE. */
const char *cgroup_memory_name(enum cgroup_memory m);

/*
 * For the guard: kill everything in the group at dir and wait (at most
 * timeout_s) until it is empty; 0 or -1. cgroup_remove_owned: kill and
 * remove every group base/objmem-OWNER-* (the groups of the objmem process
 * OWNER, which has died).
 */
int cgroup_kill_dir(const char *dir, double timeout_s);
void cgroup_remove_owned(const char *base, long owner);

/*
 * objmem's own cgroup directory, from the texts of /proc/self/cgroup and
 * /proc/self/mountinfo: for cgroup v2 when v1_controller is NULL, else for
 * the v1 hierarchy of that controller ("memory"). NULL when there is none,
 * or objmem's cgroup lies outside every mount of it. Pure (malloc'ed
 * result).
 */
char *cgroup_own_dir(const char *self_cgroup, const char *mountinfo, const char *v1_controller);

/* Tests: forget what was discovered; the next call looks again (OBJMEM_CGROUP too). */
void cgroup_forget(void);

#endif
