/*
 * peak_rss - run a command and say its peak resident set, as the kernel
 * counts it (ru_maxrss of wait4).
 *
 * A child's ru_maxrss also holds the memory of the process that forked it,
 * as it was when the child called exec: run from Python, every command
 * "peaked" at the 15 MB of the Python interpreter that started it. Forked
 * from this small program instead, the figure is the command's own (at
 * least the 1 to 2 MB of this program, which no command here is below).
 *
 * usage: peak_rss FILE COMMAND [ARG...]
 * Runs COMMAND with its stdin, stdout and stderr, writes its peak in
 * kilobytes to FILE and exits with its status (128 + N for a signal N).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: peak_rss FILE COMMAND [ARG...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("peak_rss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "peak_rss: cannot run '%s': %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("peak_rss: wait4");
		return 2;
	}
	FILE *f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f)) {
		fprintf(stderr, "peak_rss: cannot write '%s'\n", argv[1]);
		return 2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
