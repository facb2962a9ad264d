/* journal.c - each cell on disk as it ends, folded into the results later; see journal.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "jsonutil.h"

char *journal_path(const char *results_path)
{
	char *real = resolve_output_path(results_path);
	char *path = xasprintf("%s.journal", real);
	free(real);
	return path;
}

int journal_open(struct journal *j, const char *results_path)
{
	j->n = 0;
	j->path = journal_path(results_path);
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		     0644);
	if (j->fd < 0) {
		int rc = error("cannot create the journal '%s': %s (is the directory writable?)",
			       j->path, strerror(errno));
		free(j->path);
		j->path = NULL;
		return rc;
	}
	return 0;
}

int journal_append(struct journal *j, const struct cell *c)
{
	struct buf line = BUF_INIT;
	results_cell_text(&line, c);
	buf_add(&line, "\n", 1);
	/* one write of the whole line, then the data to the disk */
	int rc = write_all(j->fd, line.p, line.len) || fdatasync(j->fd) ? -1 : 0;
	if (rc)
		error("cannot write the journal '%s': %s (the cell is lost; free some space and run "
		      "again with --resume)", j->path, strerror(errno));
	else
		j->n++;
	buf_release(&line);
	return rc;
}

void journal_close(struct journal *j, int remove)
{
	if (j->fd >= 0)
		close(j->fd);
	if (remove && j->path)
		unlink(j->path);
	free(j->path);
	j->fd = -1;
	j->path = NULL;
}

/* Put c into r: a new cell, or in place of the one with its key. */
static void fold_cell(struct results *r, struct cell *c)
{
	struct cell *slot = results_find_cell(r, c->interpreter, c->workload, c->count, c->repeat);
	if (slot)
		cell_release(slot);
	else
		slot = results_add_cell(r);
	*slot = *c;
}

/* One line of the journal into r; 0 or -1 (said). */
static int fold_line(struct results *r, const char *path, unsigned long lineno, const char *line,
		     size_t len)
{
	char *what = xasprintf("%s:%lu", path, lineno);
	cJSON *o = json_parse_located(line, len, what);
	struct cell c;
	cell_init(&c);
	int rc = !o || results_cell_from_json(o, what, "cell", &c) ? -1 : 0;
	if (!rc)
		fold_cell(r, &c);
	else
		cell_release(&c);
	cJSON_Delete(o);
	free(what);
	return rc;
}

int journal_fold(struct results *r, const char *results_path, size_t *n)
{
	if (n)
		*n = 0;
	char *path = journal_path(results_path);
	struct buf text = BUF_INIT;
	if (access(path, F_OK) && errno == ENOENT) {
		free(path);
		return 0;
	}
	int rc = read_file(path, (size_t)1 << 34, &text) ? -1 : 0;
	unsigned long lineno = 0;
	size_t folded = 0;
	for (const char *p = text.p; !rc && p && *p;) {
		const char *nl = strchr(p, '\n');
		lineno++;
		if (!nl) {   /* cut short by a kill while it was written */
			warning("%s:%lu: a cell cut short while it was written; left out (run it again "
				"with --resume)", path, lineno);
			break;
		}
		if (nl > p) {
			rc = fold_line(r, path, lineno, p, (size_t)(nl - p));
			folded += !rc;
		}
		p = nl + 1;
	}
	if (n)
		*n = folded;
	buf_release(&text);
	free(path);
	return rc;
}
