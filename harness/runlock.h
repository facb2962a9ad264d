/*
 * runlock.h - one `objmem run` per results file at a time.
 *
 * The lock is a name in Linux's abstract socket namespace derived from the
 * results file's real path (symbolic links followed): binding it succeeds
 * for one process only, the kernel drops it when that process ends in any
 * way (no stale lock after a SIGKILL), and no file operation can delete it
 * (a lock file someone removes, or unlinks at exit while another run is
 * starting, let two runs in). FILE.lock beside the results holds the
 * holder's pid, for the message only. Where abstract sockets are not
 * available, an flock on FILE.lock is the lock.
 *
 * Owns: taking, describing and releasing that lock.
 */
#ifndef OBJMEM_RUNLOCK_H
#define OBJMEM_RUNLOCK_H

struct runlock {
	int sock_fd;       /* the bound abstract socket, or -1 */
	int file_fd;       /* FILE.lock, or -1 */
	char *lock_path;
};

/*
 * Take the lock of the results file path. Returns 0, or -1 after saying
 * that another run (pid N) writes it, or what failed.
 */
int runlock_take(struct runlock *l, const char *path);
/* Release it and remove FILE.lock; safe on a lock not taken. */
void runlock_release(struct runlock *l);

#endif
