/* guard.c - kill what a run started when objmem dies; see guard.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guard.h"
#include "util.h"

static int guard_fd = -1;

static void NORETURN guard_main(int rfd)
{
	pid_t groups[4096];
	size_t n = 0;
	char buf[4096], line[64];
	size_t ll = 0;
	/* outlive the driver's signals; the pipe's end is our only cue */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	prctl(PR_SET_NAME, "objmem-guard", 0, 0, 0);
	for (;;) {
		ssize_t got = read(rfd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			long pg = strtol(line + 1, NULL, 10);
			if (pg <= 1)
				continue;
			if (line[0] == '+' && n < sizeof(groups) / sizeof(groups[0])) {
				groups[n++] = (pid_t)pg;
			} else if (line[0] == '-') {
				for (size_t k = 0; k < n; k++)
					if (groups[k] == (pid_t)pg) {
						groups[k] = groups[--n];
						break;
					}
			}
		}
	}
	for (size_t k = 0; k < n; k++)
		kill(-groups[k], SIGKILL);
	_exit(0);
}

int guard_start(void)
{
	int p[2];
	if (guard_fd >= 0)
		return 0;
	if (pipe2(p, O_CLOEXEC)) {
		warning("cannot start the process guard: %s; children may outlive a killed objmem",
			strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		warning("cannot start the process guard: %s; children may outlive a killed objmem",
			strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		/*
		 * Hold no other descriptor of the driver's (results files, locks),
		 * and not its output either: a pipe reading objmem's stdout must
		 * see the end when objmem ends, not when the guard does.
		 */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd);
		int keep = dup2(p[0], 3) == 3 ? 3 : p[0];
		if (keep != 3 || syscall(SYS_close_range, 4U, ~0U, 0U) < 0) {
			long max = sysconf(_SC_OPEN_MAX);
			for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
				if (fd != keep)
					close((int)fd);
		}
		guard_main(keep);
	}
	close(p[0]);
	guard_fd = p[1];
	return 0;
}

static void guard_send(char sign, pid_t pgid)
{
	if (guard_fd < 0 || pgid <= 1)
		return;
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "%c%ld\n", sign, (long)pgid);
	ssize_t w;
	do
		w = write(guard_fd, msg, (size_t)n);
	while (w < 0 && errno == EINTR);
}

void guard_add(pid_t pgid)
{
	guard_send('+', pgid);
}

void guard_remove(pid_t pgid)
{
	guard_send('-', pgid);
}
