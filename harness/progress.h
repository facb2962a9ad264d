/*
 * progress.h - a long run's progress on stderr: cells done of total, the
 * cell running and for how long, elapsed and estimated time left.
 *
 * On a terminal (stderr a tty, TERM not "dumb") one line is redrawn in
 * place, at every change and at least twice a second while a cell runs,
 * and cut to the terminal's width as it is now (a label is shortened
 * first, then the line); otherwise one plain line per finished cell. No
 * colour is used (so NO_COLOR has nothing to turn off). Silent when quiet.
 * Thread-safe: the runner's workers call it concurrently.
 *
 * The estimate learns from the cells done: a cell of a group (one
 * interpreter at one count) is expected to take what that group's
 * finished cells took; a group with none yet, its weight times the time
 * per weight of every cell done so far; summed and shared among the jobs.
 *
 * Steps: progress_new, progress_plan for each cell to run, then
 * progress_start / progress_done as cells run, progress_free.
 */
#ifndef OBJMEM_PROGRESS_H
#define OBJMEM_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress;

struct progress *progress_new(int jobs, int quiet);
/* One more cell to run, of group (e.g. "cpython-3.12.1 1M"), weighing weight. */
void progress_plan(struct progress *p, const char *group, double weight);
/* A planned cell of group that will not run after all (its row is settled). */
void progress_unplan(struct progress *p, const char *group);
/* A cell started (label like "cpython-3.12.1 slots 1M #2"). */
void progress_start(struct progress *p, const char *label, const char *group);
/*
 * A cell ended with this status word and detail ("64.0 B/obj", a reason).
 * took_s: the time it held its worker, which the estimate learns (a cell
 * whose end overlapped the next one's run took less than its start to its
 * end); below 0: its start to now.
 */
void progress_done(struct progress *p, const char *label, const char *status, const char *detail,
		   double took_s);
/* Print a message without breaking the redrawn line. */
void progress_note(struct progress *p, const char *msg);
/* Finish the line and free. */
void progress_free(struct progress *p);

/*
 * The line as drawn on a terminal cols wide (for tests): head ("[3/12] "),
 * label, tail ("  12s | elapsed 1m02s, left ~3m") fitted into cols - 1
 * columns, the label cut first ("..." marks it). Returns out.
 */
char *progress_fit(char *out, size_t size, const char *head, const char *label, const char *tail,
		   int cols);

#endif
