/* runlock.c - one objmem run per results file at a time; see runlock.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runlock.h"
#include "util.h"

/* The results file's one name: its links followed, its directory made absolute. */
static char *canonical_path(const char *path)
{
	char *real = resolve_output_path(path);
	char *slash = strrchr(real, '/');
	char *dir = slash ? xstrndup(real, slash == real ? 1 : (size_t)(slash - real)) : xstrdup(".");
	char abs[PATH_MAX];
	char *out = realpath(dir, abs) ? xasprintf("%s/%s", strcmp(abs, "/") ? abs : "",
						   slash ? slash + 1 : real)
				       : xstrdup(real);
	free(dir);
	free(real);
	return out;
}


/*
 * Bind the abstract name of canonical: 0 bound, 1 taken by another
 * process, -1 when this system has no abstract sockets (use the file).
 */
static int bind_name(const char *canonical, int *fd_out)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	/* two independent hashes of the path: a collision would need both */
	int n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "objmem-run/%016llx%016llx",
			 (unsigned long long)fnv1a(canonical, strlen(canonical), FNV1A_INIT),
			 (unsigned long long)fnv1a(canonical, strlen(canonical), 0x84222325cbf29ce4ULL));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	if (bind(fd, (struct sockaddr *)&sa, len) == 0) {
		*fd_out = fd;
		return 0;
	}
	int e = errno;
	close(fd);
	return e == EADDRINUSE ? 1 : -1;
}

/* The pid a holder wrote into the lock file, or "?". */
static void holder_pid(const char *lock_path, char *out, size_t n)
{
	snprintf(out, n, "?");
	int fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	char buf[32];
	ssize_t got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (*buf && strspn(buf, "0123456789") == strlen(buf))
		snprintf(out, n, "%s", buf);
}

static int busy(const char *path, const char *lock_path)
{
	char pid[32];
	holder_pid(lock_path, pid, sizeof(pid));
	return error("'%s' is being written by another objmem run (pid %s); wait for it to end "
		     "or choose another --output", path, pid);
}

int runlock_take(struct runlock *l, const char *path)
{
	l->sock_fd = l->file_fd = -1;
	char *canonical = canonical_path(path);
	l->lock_path = xasprintf("%s.lock", canonical);
	int bound = bind_name(canonical, &l->sock_fd);
	free(canonical);
	if (bound == 1) {
		int rc = busy(path, l->lock_path);
		runlock_release(l);
		return rc;
	}
	l->file_fd = open(l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (l->file_fd < 0) {
		error("cannot create lock file '%s': %s (is the directory writable?)", l->lock_path,
		      strerror(errno));
		runlock_release(l);
		return -1;
	}
	/* without an abstract socket the file's flock is the lock */
	if (bound < 0 && flock(l->file_fd, LOCK_EX | LOCK_NB)) {
		int rc = busy(path, l->lock_path);
		close(l->file_fd);
		l->file_fd = -1;
		free(l->lock_path);
		l->lock_path = NULL;
		return rc;
	}
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(l->file_fd, 0) || pwrite(l->file_fd, pid, (size_t)n, 0) != n)
		warning("cannot write the pid into '%s': %s", l->lock_path, strerror(errno));
	return 0;
}

void runlock_release(struct runlock *l)
{
	if (l->file_fd >= 0) {
		unlink(l->lock_path);   /* before the lock goes: no one else's file is removed */
		close(l->file_fd);
	}
	if (l->sock_fd >= 0)
		close(l->sock_fd);
	free(l->lock_path);
	l->sock_fd = l->file_fd = -1;
	l->lock_path = NULL;
}
