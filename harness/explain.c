/* explain.c - why a bytes-per-object figure is what it is; see explain.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "probe.h"
#include "textfmt.h"

/* The cells of a Markdown table row "| a | b \| c |", trimmed, escapes kept. */
static void row_cells(const char *line, struct strvec *cells)
{
	const char *p = strchr(line, '|');
	if (!p)
		return;
	p++;
	while (*p) {
		const char *q = p;
		while (*q && !(*q == '|' && (q == p || q[-1] != '\\')))
			q++;
		if (!*q)
			break;   /* text after the last bar is not a cell */
		const char *a = p, *b = q;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		strvec_push_nodup(cells, xstrndup(a, (size_t)(b - a)));
		p = q + 1;
	}
}

/* "python3 (pyenv 3.11.7)": name "python3", hints "3.11.7". */
static void parse_name(const char *cell, struct layout_row *row)
{
	const char *paren = strstr(cell, " (");
	row->name = paren ? xstrndup(cell, (size_t)(paren - cell)) : xstrdup(cell);
	if (!paren)
		return;
	for (const char *p = paren + 2; *p && *p != ')';) {
		size_t n = strspn(p, "0123456789.");
		if (n >= 3 && strchr(p, '.') && memchr(p, '.', n)) {
			while (n && p[n - 1] == '.')
				n--;
			strvec_push_nodup(&row->hints, xstrndup(p, n));
			p += n;
		} else {
			p += n ? n : 1;
		}
	}
}

static void add_row(struct layout_doc *d, const char *workload, const struct strvec *cells)
{
	xgrow((void **)&d->rows, sizeof(*d->rows), d->n + 1, &d->alloc);
	struct layout_row *row = &d->rows[d->n++];
	memset(row, 0, sizeof(*row));
	row->workload = xstrdup(workload);
	parse_name(cells->v[0], row);
	row->predicted = xstrdup(cells->v[2]);
	row->how = xstrdup(cells->v[3]);
}

int layout_doc_load(struct layout_doc *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	if (!path || (access(path, F_OK) && errno == ENOENT))
		return 0;   /* nothing to quote: every explanation is computed */
	struct buf text = BUF_INIT;
	if (read_file(path, 4u << 20, &text)) {
		buf_release(&text);
		return error("cannot read '%s' (the report's explanations quote it): is it a "
			     "readable file?", path);
	}
	d->path = xstrdup(path);
	char *workload = NULL;
	for (char *line = text.p, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "## ", 3)) {
			free(workload);   /* a section of its own: no workload's table */
			workload = NULL;
		} else if (!strncmp(line, "### ", 4)) {
			free(workload);   /* "### point3d: plain class ..." */
			workload = xstrndup(line + 4, strcspn(line + 4, ": "));
		} else if (workload && line[0] == '|') {
			struct strvec cells = STRVEC_INIT;
			row_cells(line, &cells);
			/* interpreter | measured | predicted | how; not the header or rule */
			if (cells.n >= 4 && strcmp(cells.v[0], "interpreter") &&
			    strspn(cells.v[0], "-: ") != strlen(cells.v[0]))
				add_row(d, workload, &cells);
			strvec_clear(&cells);
		}
	}
	free(workload);
	buf_release(&text);
	return 0;
}

void layout_doc_release(struct layout_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->rows[i].workload);
		free(d->rows[i].name);
		strvec_clear(&d->rows[i].hints);
		free(d->rows[i].predicted);
		free(d->rows[i].how);
	}
	free(d->rows);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

/* Is hint one of the build's versions: "3.11.7", "3.11" of 3.11.7, or PyPy's "7.3.11"? */
static int version_matches(const cJSON *probe, const char *hint)
{
	const char *v[] = { probe_str(probe, "version"), probe_str(probe, "implementation_version") };
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!v[i])
			continue;
		size_t n = strlen(hint);
		if (!strcmp(v[i], hint) || (!strncmp(v[i], hint, n) && v[i][n] == '.'))
			return 1;
	}
	return 0;
}

const struct layout_row *layout_doc_find(const struct layout_doc *d, const struct interp *in,
					 const char *workload)
{
	for (size_t i = 0; d && in && i < d->n; i++) {
		const struct layout_row *row = &d->rows[i];
		if (strcmp(row->workload, workload) || strcmp(row->name, in->name))
			continue;
		int all = 1;
		for (size_t h = 0; h < row->hints.n; h++)
			all &= in->probe && version_matches(in->probe, row->hints.v[h]);
		if (all)
			return row;
	}
	return NULL;
}

/* What the build's allocator does to a request, in a few words. */
static const char *allocator_words(const cJSON *probe)
{
	static const char *const words[][2] = {
		{ "pymalloc", "pymalloc rounds each request up to a 16-byte class" },
		{ "pymalloc-debug", "the debug allocator adds 24 guard bytes to each request, "
		  "then pymalloc rounds to 16" },
		{ "malloc", "glibc malloc adds an 8-byte chunk header and rounds to 16 (32 at least)" },
		{ "mimalloc", "mimalloc rounds each request up to its size bin" },
		{ "mimalloc-debug", "the debug allocator adds guard bytes, then mimalloc rounds to "
		  "its bin" },
		{ "pypy-gc", "PyPy's collector keeps objects in 8 KiB pages of equal-sized slots" },
	};
	const char *alloc = probe_str(probe, "allocator");
	for (size_t i = 0; alloc && i < ARRAY_SIZE(words); i++)
		if (!strcmp(alloc, words[i][0]))
			return words[i][1];
	if (probe_str(probe, "implementation") &&
	    !strcmp(probe_str(probe, "implementation"), "micropython"))
		return "MicroPython's heap hands out 32-byte blocks";
	return NULL;
}

char *explain_row(const struct layout_doc *d, const struct interp *in,
		  const struct summary_row *row)
{
	struct buf b = BUF_INIT;
	const struct layout_row *lr = layout_doc_find(d, in, row->workload);
	if (!row->bytes_per_object.valid) {
		buf_addstr(&b, "not measured");
		return buf_detach(&b);
	}
	if (lr) {
		/* quoted: the doc's own Markdown, its predicted figure and where it is from */
		buf_addf(&b, "%s; predicted %s B (docs/layout.md)", lr->how, lr->predicted);
		return buf_detach(&b);
	}
	const cJSON *probe = in ? in->probe : NULL;
	const char *alloc = allocator_words(probe);
	double measured = row->bytes_per_object.median;
	if (row->getsizeof.valid && row->getsizeof.median > 0 &&
	    measured < row->getsizeof.median - 0.5) {
		buf_addf(&b, "sys.getsizeof: %.0f B, the object with its GC header; the kernel saw "
			 "%.0f B less: the allocator reused memory the process held already",
			 row->getsizeof.median, row->getsizeof.median - measured);
	} else if (row->getsizeof.valid && row->getsizeof.median > 0) {
		double own = row->getsizeof.median;
		buf_addf(&b, "sys.getsizeof: %.0f B, the object with its GC header; the other "
			 "%.0f B are what it owns (a `__dict__` or values array, new ints) and "
			 "allocator overhead", own, measured - own);
	} else {
		buf_addstr(&b, "sys.getsizeof cannot tell on this interpreter");
	}
	if (alloc)
		buf_addf(&b, "; %s", alloc);
	buf_addstr(&b, " (computed from the results)");
	return buf_detach(&b);
}
