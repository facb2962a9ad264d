/*
 * bench_procmem - what one sample costs: smaps_rollup (the full sample the
 * driver takes while the child waits), smaps (the fallback), and status
 * (the peak poll during the fill), on a child holding SIZE MiB of touched
 * anonymous memory. Prints a table of medians over N reads.
 *
 * usage: bench_procmem [SIZE_MIB [N]]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procmem.h"
#include "util.h"

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1024;
	int n = argc > 2 ? atoi(argv[2]) : 50;
	if (mib <= 0 || n <= 0)
		die("usage: bench_procmem [SIZE_MIB [N]]");
	int ready[2];
	if (pipe(ready))
		die("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		/* many small mappings, like a real heap: one per MiB */
		for (long i = 0; i < mib; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				_exit(1);
			memset(p, (int)i, 1 << 20);
		}
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	if (read(ready[0], &c, 1) != 1)
		die("the child did not get ready");
	struct procmem pm;
	if (procmem_open(&pm, pid))
		die("cannot open /proc/%d", (int)pid);
	struct mem_sample s;
	struct proc_status st;
	const char *why;
	static const char *const names[] = { "smaps_rollup", "smaps (fallback)", "status (peak poll)" };
	printf("child holding %ld MiB; median of %d reads\n\n", mib, n);
	printf("%-20s %14s\n", "read", "median (us)");
	/* round-robin, so a busy machine slows every kind alike */
	double *tk[3];
	for (int kind = 0; kind < 3; kind++)
		tk[kind] = xcalloc((size_t)n, sizeof(double));
	struct procmem pk[3];
	for (int kind = 0; kind < 3; kind++) {
		if (procmem_open(&pk[kind], pid))
			die("cannot open /proc/%d", (int)pid);
		pk[kind].force_smaps = kind == 1;
	}
	for (int i = 0; i < n; i++)
		for (int kind = 0; kind < 3; kind++) {
			double t0 = now_s();
			int rc = kind == 2 ? procmem_status(&pk[kind], &st)
					   : procmem_sample(&pk[kind], &s, &why);
			tk[kind][i] = (now_s() - t0) * 1e6;
			if (rc)
				die("read %s failed", names[kind]);
		}
	double med[3];
	for (int kind = 0; kind < 3; kind++) {
		med[kind] = median(tk[kind], n);
		printf("%-20s %14.1f\n", names[kind], med[kind]);
		procmem_close(&pk[kind]);
		free(tk[kind]);
	}
	printf("\nratio smaps_rollup / status: %.0fx\n", med[0] / med[2]);
	printf("uss of the child: %.1f MiB\n", (double)s.uss / (1 << 20));
	procmem_close(&pm);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
