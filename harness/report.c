/* report.c - report.md and report.html from a results document; see report.h. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "results.h"
#include "table.h"

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->figures = 1;
	o->timeout_s = 60;
}

/* ------------------------------------------------------------ escaping */

void report_html_escape(struct buf *out, const char *s, size_t n)
{
	buf_add(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_addstr(out, "&amp;"); break;
		case '<': buf_addstr(out, "&lt;"); break;
		case '>': buf_addstr(out, "&gt;"); break;
		case '"': buf_addstr(out, "&quot;"); break;
		case '\'': buf_addstr(out, "&#39;"); break;
		case '\0': break;
		default: buf_add(out, s + i, 1);
		}
	}
}

static void html_str(struct buf *out, const char *s)
{
	report_html_escape(out, s, strlen(s));
}

void report_md_escape(struct buf *out, const char *s)
{
	buf_add(out, "", 0);
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#&!", *s))
			buf_add(out, "\\", 1);
		if (*s == '\n' || *s == '\r' || *s == '\t')
			buf_add(out, " ", 1);
		else
			buf_add(out, s, 1);
	}
}

static void md_str(struct buf *out, const char *s)
{
	report_md_escape(out, s ? s : "");
}

/* ------------------------------------------------- Markdown into HTML */

static int is_md_punct(char c)
{
	return c && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c);
}

/* Inline Markdown: backslash escapes, `code`, **bold**; the rest is text. */
static void inline_html(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	int bold = 0;
	while (i < n) {
		if (s[i] == '\\' && i + 1 < n && is_md_punct(s[i + 1])) {
			report_html_escape(out, s + start, i - start);
			report_html_escape(out, s + i + 1, 1);
			i += 2;
			start = i;
		} else if (s[i] == '`') {
			const char *end = memchr(s + i + 1, '`', n - i - 1);
			if (!end) {
				i++;
				continue;
			}
			report_html_escape(out, s + start, i - start);
			buf_addstr(out, "<code>");
			report_html_escape(out, s + i + 1, (size_t)(end - (s + i + 1)));
			buf_addstr(out, "</code>");
			i = (size_t)(end - s) + 1;
			start = i;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			report_html_escape(out, s + start, i - start);
			buf_addstr(out, bold ? "</strong>" : "<strong>");
			bold = !bold;
			i += 2;
			start = i;
		} else {
			i++;
		}
	}
	report_html_escape(out, s + start, n - start);
	if (bold)
		buf_addstr(out, "</strong>");
}

static void inline_str(struct buf *out, const char *s)
{
	inline_html(out, s, strlen(s));
}

/* Cells of a table row "| a | b \| c |": trimmed, escapes kept. */
static void split_row(const char *line, struct strvec *cells)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	if (*p == '|')
		p++;
	while (*p) {
		const char *q = p;
		while (*q && !(*q == '|' && (q == p || q[-1] != '\\')))
			q++;
		if (!*q && q == p)
			break;
		const char *a = p, *b = q;
		while (a < b && *a == ' ')
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\r'))
			b--;
		if (*q || b > a) {
			char *cell = xstrndup(a, (size_t)(b - a));
			strvec_push_nodup(cells, cell);
		}
		if (!*q)
			break;
		p = q + 1;
		/* a row ends with its last '|' */
		const char *rest = p;
		while (*rest == ' ' || *rest == '\r')
			rest++;
		if (!*rest)
			break;
	}
}

static int is_align_row(const struct strvec *cells)
{
	if (!cells->n)
		return 0;
	for (size_t i = 0; i < cells->n; i++) {
		const char *c = cells->v[i];
		if (!*c || strspn(c, "-: ") != strlen(c) || !strchr(c, '-'))
			return 0;
	}
	return 1;
}

static void table_html(struct buf *out, char **lines, size_t n)
{
	struct strvec head = STRVEC_INIT, align = STRVEC_INIT;
	split_row(lines[0], &head);
	size_t first = 1;
	if (n > 1) {
		split_row(lines[1], &align);
		if (is_align_row(&align))
			first = 2;
		else
			strvec_clear(&align);
	}
	buf_addstr(out, "<div class=\"wide\"><table>\n<thead><tr>");
	for (size_t i = 0; i < head.n; i++) {
		const char *a = i < align.n ? align.v[i] : "";
		size_t al = strlen(a);
		int right = al && a[al - 1] == ':' && a[0] != ':';
		buf_addstr(out, right ? "<th class=\"r\">" : "<th>");
		inline_str(out, head.v[i]);
		buf_addstr(out, "</th>");
	}
	buf_addstr(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = first; r < n; r++) {
		struct strvec cells = STRVEC_INIT;
		split_row(lines[r], &cells);
		buf_addstr(out, "<tr>");
		for (size_t i = 0; i < cells.n; i++) {
			const char *a = i < align.n ? align.v[i] : "";
			size_t al = strlen(a);
			int right = al && a[al - 1] == ':' && a[0] != ':';
			int center = al > 1 && a[al - 1] == ':' && a[0] == ':';
			buf_addstr(out, right ? "<td class=\"r\">" : center ? "<td class=\"c\">" : "<td>");
			inline_str(out, cells.v[i]);
			buf_addstr(out, "</td>");
		}
		buf_addstr(out, "</tr>\n");
		strvec_clear(&cells);
	}
	buf_addstr(out, "</tbody></table></div>\n");
	strvec_clear(&head);
	strvec_clear(&align);
}

/* Does s start with token at i? */
static int at(const char *s, size_t i, const char *token)
{
	return !strncmp(s + i, token, strlen(token));
}

char *report_inline_svg(const char *svg, const char *prefix, const char *label)
{
	const char *start = strstr(svg, "<svg");
	if (!start)
		return NULL;
	for (const char *p = svg; *p; p++)
		if (*p == '<' && (!strncasecmp(p, "<script", 7) || !strncasecmp(p, "<foreignobject", 14)))
			return NULL;
	struct buf out = BUF_INIT;
	buf_addstr(&out, "<svg role=\"img\" aria-label=\"");
	html_str(&out, label);
	buf_addstr(&out, "\"");
	/*
	 * A wide figure shrinks to the page only down to 3/4 of its size, so
	 * its text stays readable; beyond that the figure scrolls.
	 */
	const char *wattr = strstr(start, "width=\"");
	const char *tag_end = strchr(start, '>');
	if (wattr && tag_end && wattr < tag_end) {
		long w = strtol(wattr + 7, NULL, 10);
		if (w > 0 && w < 100000)
			buf_addf(&out, " style=\"min-width:%ldpx\"", w * 3 / 4);
	}
	size_t i = (size_t)(start - svg) + 4, from = i;
	static const char *const tokens[] = { " id='", " id=\"", "url(#", "href='#", "href=\"#" };
	while (svg[i]) {
		size_t k;
		for (k = 0; k < ARRAY_SIZE(tokens) && !at(svg, i, tokens[k]); k++)
			;
		if (k == ARRAY_SIZE(tokens)) {
			i++;
			continue;
		}
		size_t len = strlen(tokens[k]);
		buf_add(&out, svg + from, i + len - from);
		buf_addstr(&out, prefix);
		i += len;
		from = i;
	}
	buf_addstr(&out, svg + from);
	return buf_detach(&out);
}

/* A line holding only ![alt](file): alt and file, or 0. */
static int image_line(const char *line, char **alt, char **file)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	if (strncmp(p, "![", 2))
		return 0;
	const char *a = p + 2, *ae = strstr(a, "](");
	if (!ae)
		return 0;
	const char *f = ae + 2, *fe = strchr(f, ')');
	if (!fe || fe[1 + strspn(fe + 1, " \r")])
		return 0;
	/* the alt text may hold escapes: keep them, inline_html undoes them */
	*alt = xstrndup(a, (size_t)(ae - a));
	*file = xstrndup(f, (size_t)(fe - f));
	return 1;
}

static void figure_html(struct buf *out, const char *alt, const char *file, const char *figdir,
			unsigned *n_fig)
{
	/* only plain file names next to the report: nothing else is read */
	int plain = *file && !strchr(file, '/') && strcmp(file, "..") && strlen(file) > 4 &&
		    !strcmp(file + strlen(file) - 4, ".svg");
	struct buf text = BUF_INIT;
	char *svg = NULL;
	if (plain) {
		char *path = xasprintf("%s/%s", figdir, file);
		if (access(path, R_OK) == 0 && read_file(path, 64u << 20, &text) == 0) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "f%u-", ++*n_fig);
			/* the alt text without its Markdown escapes; inline_svg escapes it */
			struct buf raw = BUF_INIT;
			for (const char *p = alt; *p; p++) {
				if (*p == '\\' && is_md_punct(p[1]))
					p++;
				buf_add(&raw, p, 1);
			}
			svg = report_inline_svg(text.p, prefix, raw.p ? raw.p : "");
			buf_release(&raw);
		}
		free(path);
	}
	if (svg) {
		buf_addstr(out, "<figure>\n");
		buf_addstr(out, svg);
		buf_addstr(out, "\n</figure>\n");
	} else {
		buf_addstr(out, "<p class=\"missing\">figure not available: ");
		html_str(out, file);
		buf_addstr(out, "</p>\n");
	}
	free(svg);
	buf_release(&text);
}

struct html_state {
	struct buf *out;
	struct buf para;
	int in_list, in_cards, in_card;
};

static void close_para(struct html_state *st)
{
	if (st->para.len) {
		buf_addstr(st->out, "<p>");
		inline_html(st->out, st->para.p, st->para.len);
		buf_addstr(st->out, "</p>\n");
		buf_reset(&st->para);
	}
}

static void close_list(struct html_state *st)
{
	if (st->in_list) {
		buf_addstr(st->out, "</ul>\n");
		st->in_list = 0;
	}
}

static void close_cards(struct html_state *st, int cards_too)
{
	if (st->in_card) {
		buf_addstr(st->out, "</section>\n");
		st->in_card = 0;
	}
	if (cards_too && st->in_cards) {
		buf_addstr(st->out, "</div>\n");
		st->in_cards = 0;
	}
}

void report_md_to_html(const char *md, const char *figdir, struct buf *out)
{
	struct strvec lines = STRVEC_INIT;
	for (const char *p = md; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		strvec_push_nodup(&lines, xstrndup(p, n));
		p += n + (nl ? 1 : 0);
	}
	struct html_state st = { out, BUF_INIT, 0, 0, 0 };
	unsigned n_fig = 0;
	buf_add(out, "", 0);
	for (size_t i = 0; i < lines.n; i++) {
		const char *line = lines.v[i];
		const char *t = line + strspn(line, " ");
		char *alt, *file;
		if (!*t || !strcmp(t, "\r")) {
			close_para(&st);
			close_list(&st);
			continue;
		}
		size_t level = strspn(t, "#");
		if (level >= 1 && level <= 4 && t[level] == ' ') {
			close_para(&st);
			close_list(&st);
			close_cards(&st, level < 4);
			if (level == 4) {
				if (!st.in_cards) {
					buf_addstr(out, "<div class=\"cards\">\n");
					st.in_cards = 1;
				}
				buf_addstr(out, "<section class=\"card\">\n");
				st.in_card = 1;
			}
			buf_addf(out, "<h%zu>", level);
			inline_str(out, t + level + 1);
			buf_addf(out, "</h%zu>\n", level);
			continue;
		}
		if (*t == '|') {
			close_para(&st);
			close_list(&st);
			size_t j = i;
			while (j < lines.n && lines.v[j][strspn(lines.v[j], " ")] == '|')
				j++;
			table_html(out, lines.v + i, j - i);
			i = j - 1;
			continue;
		}
		if (t[0] == '-' && t[1] == ' ') {
			close_para(&st);
			if (!st.in_list) {
				buf_addstr(out, "<ul>\n");
				st.in_list = 1;
			}
			buf_addstr(out, "<li>");
			inline_str(out, t + 2);
			buf_addstr(out, "</li>\n");
			continue;
		}
		if (image_line(t, &alt, &file)) {
			close_para(&st);
			close_list(&st);
			figure_html(out, alt, file, figdir, &n_fig);
			free(alt);
			free(file);
			continue;
		}
		close_list(&st);
		if (st.para.len)
			buf_addstr(&st.para, "\n");
		buf_addstr(&st.para, t);
	}
	close_para(&st);
	close_list(&st);
	close_cards(&st, 1);
	buf_release(&st.para);
	strvec_clear(&lines);
}

/* ------------------------------------------------------ the Markdown */

/* A JSON value as table text (Markdown-escaped). */
static void md_json_value(struct buf *md, const char *key, const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		buf_addstr(md, "-");
	} else if (cJSON_IsString(v)) {
		md_str(md, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_addstr(md, cJSON_IsTrue(v) ? "yes" : "no");
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15)
			buf_addf(md, "%.0f", d);
		else
			buf_addf(md, "%g", d);
		if (key && (!strcmp(key, "mem_total") || strstr(key, "bytes")) && d >= 1e6)
			buf_addf(md, " (%.1f GB)", d / 1e9);
	} else {
		char *txt = cJSON_PrintUnformatted(v);
		md_str(md, txt ? txt : "");
		free(txt);
	}
}

static void md_kv_table(struct buf *md, const cJSON *obj, const char *what)
{
	if (!cJSON_IsObject(obj) || !obj->child) {
		buf_addf(md, "The results hold no %s.\n\n", what);
		return;
	}
	buf_addstr(md, "| field | value |\n|---|---|\n");
	for (const cJSON *it = obj->child; it; it = it->next) {
		buf_addstr(md, "| ");
		md_str(md, it->string ? it->string : "");
		buf_addstr(md, " | ");
		md_json_value(md, it->string, it);
		buf_addstr(md, " |\n");
	}
	buf_addstr(md, "\n");
}

static const cJSON *probe_get(const struct interp *in, const char *key)
{
	return in->probe ? cJSON_GetObjectItemCaseSensitive(in->probe, key) : NULL;
}

static void md_probe_cell(struct buf *md, const struct interp *in, const char *key)
{
	const cJSON *v = probe_get(in, key);
	if (cJSON_IsString(v) && !*v->valuestring)
		buf_addstr(md, "-");
	else
		md_json_value(md, NULL, v);
}

static void md_interpreters(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Interpreters\n\n");
	if (!r->n_interps) {
		buf_addstr(md, "The results name no interpreter.\n\n");
		return;
	}
	buf_addstr(md, "What each interpreter's probe reported when the run started.\n\n"
		       "| interpreter | implementation | version | pointer bits | debug | allocator | "
		       "free-threaded | compiler | command | status |\n"
		       "|---|---|---|---:|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		buf_addstr(md, "| ");
		md_str(md, in->name);
		static const char *const keys[] = { "implementation", "version", "pointer_bits", "debug",
						    "allocator", "gil_disabled", "compiler" };
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			buf_addstr(md, " | ");
			md_probe_cell(md, in, keys[k]);
		}
		buf_addstr(md, " | `");
		/* the command as one would type it: env, then argv */
		struct buf cmd = BUF_INIT;
		for (size_t e = 0; e < in->env.n; e++)
			buf_addf(&cmd, "%s ", in->env.v[e]);
		for (size_t a = 0; a < in->argv.n; a++)
			buf_addf(&cmd, "%s%s", a ? " " : "", in->argv.v[a]);
		/* inside a code span only ` and | need care */
		for (const char *p = cmd.p ? cmd.p : ""; *p; p++) {
			if (*p == '`' || *p == '\n')
				buf_add(md, *p == '`' ? "'" : " ", 1);
			else if (*p == '|')
				buf_add(md, "\\|", 2);
			else
				buf_add(md, p, 1);
		}
		buf_release(&cmd);
		buf_addstr(md, "` | ");
		if (in->skip_reason) {
			buf_addstr(md, "not run: ");
			md_str(md, in->skip_reason);
		} else {
			buf_addstr(md, "ran");
		}
		buf_addstr(md, " |\n");
	}
	buf_addstr(md, "\n");

	/* the probes' layout: what sys.getsizeof says about sample objects */
	struct strvec keys = STRVEC_INIT;
	for (size_t i = 0; i < r->n_interps; i++) {
		const cJSON *lay = probe_get(&r->interps[i], "layout");
		for (const cJSON *it = cJSON_IsObject(lay) ? lay->child : NULL; it; it = it->next)
			if (it->string && strvec_find(&keys, it->string) < 0)
				strvec_push(&keys, it->string);
	}
	if (keys.n) {
		buf_addstr(md, "**Object sizes the probes report** (bytes; sys.getsizeof or "
			       "`__basicsize__` of sample objects, - where the interpreter cannot tell)\n\n"
			       "| interpreter |");
		for (size_t k = 0; k < keys.n; k++) {
			buf_addstr(md, " ");
			md_str(md, keys.v[k]);
			buf_addstr(md, " |");
		}
		buf_addstr(md, "\n|---|");
		for (size_t k = 0; k < keys.n; k++)
			buf_addstr(md, "---:|");
		buf_addstr(md, "\n");
		for (size_t i = 0; i < r->n_interps; i++) {
			const cJSON *lay = probe_get(&r->interps[i], "layout");
			if (!cJSON_IsObject(lay))
				continue;
			buf_addstr(md, "| ");
			md_str(md, r->interps[i].name);
			buf_addstr(md, " |");
			for (size_t k = 0; k < keys.n; k++) {
				buf_addstr(md, " ");
				md_json_value(md, NULL, cJSON_GetObjectItemCaseSensitive(lay, keys.v[k]));
				buf_addstr(md, " |");
			}
			buf_addstr(md, "\n");
		}
		buf_addstr(md, "\n");
	}
	strvec_clear(&keys);
}

static void md_probe_details(struct buf *md, const struct results *r)
{
	int any = 0;
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (!cJSON_IsObject(in->probe))
			continue;
		if (!any++)
			buf_addstr(md, "## Probe details\n\nEvery field each probe reported.\n\n");
		buf_addstr(md, "- **");
		md_str(md, in->name);
		buf_addstr(md, "**: ");
		int first = 1;
		for (const cJSON *it = in->probe->child; it; it = it->next) {
			if (!it->string || !strcmp(it->string, "layout"))
				continue;
			buf_addstr(md, first ? "" : "; ");
			first = 0;
			md_str(md, it->string);
			buf_addstr(md, " = ");
			md_json_value(md, NULL, it);
		}
		buf_addstr(md, "\n");
	}
	if (any)
		buf_addstr(md, "\n");
}

/* table.c's Markdown, cut into the parts the report places apart. */
struct table_parts {
	char *text;
	size_t detail_end;          /* [0, detail_end): the Count tables */
	size_t bpo, bpo_end;        /* bytes per object at each count */
	size_t fits, fits_end;      /* least-squares fits */
};

static size_t find_from(const char *text, const char *marker, size_t from, size_t none)
{
	const char *p = strstr(text + from, marker);
	return p ? (size_t)(p - text) : none;
}

static int table_parts_make(const struct results *r, struct table_parts *tp)
{
	size_t len = 0;
	memset(tp, 0, sizeof(*tp));
	FILE *f = open_memstream(&tp->text, &len);
	if (!f)
		return error("cannot open a memory stream: %s", strerror(errno));
	struct table_opts to = { TABLE_MARKDOWN, 1, 0 };
	int rc = table_print(f, r, &to);
	if (fclose(f) || rc) {
		free(tp->text);
		tp->text = NULL;
		return error("cannot format the tables");
	}
	/* the order table.c writes: Count tables, bytes per object, fits, not measured */
	size_t end = len;
	size_t prob = find_from(tp->text, "\n**Not measured**", 0, end);
	tp->fits = find_from(tp->text, "\n**Least-squares", 0, prob);
	tp->fits_end = prob;
	tp->bpo = find_from(tp->text, "\n**Bytes per object", 0, tp->fits);
	tp->bpo_end = tp->fits;
	tp->detail_end = tp->bpo;
	return 0;
}

static void md_slice(struct buf *md, const struct table_parts *tp, size_t from, size_t to)
{
	if (to > from)
		buf_add(md, tp->text + from, to - from);
	buf_addstr(md, "\n\n");
}

/* Failed, skipped and pending cells, one line per interpreter, workload, status and reason. */
static void md_not_measured(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Not measured\n\n");
	size_t n = 0;
	for (size_t i = 0; i < r->n_interps; i++)
		if (r->interps[i].skip_reason)
			n++;
	if (n) {
		buf_addstr(md, "Interpreters that did not run at all:\n\n");
		for (size_t i = 0; i < r->n_interps; i++)
			if (r->interps[i].skip_reason) {
				buf_addstr(md, "- ");
				md_str(md, r->interps[i].name);
				buf_addstr(md, ": ");
				md_str(md, r->interps[i].skip_reason);
				buf_addstr(md, "\n");
			}
		buf_addstr(md, "\n");
	}
	int header = 0;
	char *done = xcalloc(r->n_cells + 1, 1);
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status == CELL_OK || done[i])
			continue;
		if (!header++)
			buf_addstr(md, "Cells that failed, were skipped or never finished, with the "
				       "reason objmem recorded:\n\n"
				       "| interpreter | workload | status | counts (repeats) | reason |\n"
				       "|---|---|---|---|---|\n");
		struct buf counts = BUF_INIT;
		for (size_t j = i; j < r->n_cells; j++) {
			const struct cell *d = &r->cells[j];
			if (done[j] || d->status != c->status || strcmp(d->interpreter, c->interpreter) ||
			    strcmp(d->workload, c->workload) ||
			    strcmp(d->reason ? d->reason : "", c->reason ? c->reason : ""))
				continue;
			done[j] = 1;
			char cnt[32];
			format_count(d->count, cnt, sizeof(cnt));
			buf_addf(&counts, "%s%s #%d", counts.len ? ", " : "", cnt, d->repeat);
		}
		buf_addstr(md, "| ");
		md_str(md, c->interpreter);
		buf_addstr(md, " | ");
		md_str(md, c->workload);
		buf_addf(md, " | %s | %s | ", cell_status_name(c->status), counts.p);
		md_str(md, c->reason ? c->reason : "(no reason recorded)");
		buf_addstr(md, " |\n");
		buf_release(&counts);
	}
	free(done);
	if (header)
		buf_addstr(md, "\n");
	else if (!n)
		buf_addstr(md, "Every cell was measured.\n\n");

	/* warnings and notes the cells carry (swap in use, a workload's remark) */
	struct strvec seen = STRVEC_INIT;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		for (size_t w = 0; w <= c->warnings.n; w++) {
			const char *text = w < c->warnings.n ? c->warnings.v[w] : c->note;
			if (!text)
				continue;
			char *key = xasprintf("%s / %s: %s%s", c->interpreter, c->workload,
					      w < c->warnings.n ? "warning: " : "note: ", text);
			if (strvec_find(&seen, key) < 0) {
				if (!seen.n)
					buf_addstr(md, "Warnings and notes on cells:\n\n");
				strvec_push(&seen, key);
				buf_addstr(md, "- ");
				md_str(md, key);
				buf_addstr(md, "\n");
			}
			free(key);
		}
	}
	if (seen.n)
		buf_addstr(md, "\n");
	strvec_clear(&seen);
}

static void md_figures(struct buf *md, const struct plot_set *set, const char *why_none)
{
	buf_addstr(md, "## Figures\n\n");
	if (why_none) {
		buf_addf(md, "%s\n\n", why_none);
		return;
	}
	char cnt[32];
	format_count(set->count, cnt, sizeof(cnt));
	buf_addf(md, "Drawn with gnuplot. The bar charts show %s objects. Next to each figure in "
		     "this directory are its data (`NAME.dat`) and a script that draws it again "
		     "(`gnuplot NAME.gp`). A cell that failed, was skipped or is missing is a gap "
		     "that says so, never a zero.\n\n", cnt);
	for (size_t i = 0; i < set->n; i++) {
		const struct plot_figure *f = &set->v[i];
		buf_addstr(md, "### ");
		md_str(md, f->title);
		buf_addstr(md, "\n\n");
		if (f->drawn & PLOT_SVG) {
			buf_addstr(md, "![");
			md_str(md, f->title);
			buf_addf(md, "](%s.svg)\n\n", f->name);
		} else {
			buf_addstr(md, "Not drawn (gnuplot failed; see the messages of objmem report).\n\n");
		}
		md_str(md, f->caption);
		buf_addf(md, " Data: `%s.dat`, script: `%s.gp`.\n\n", f->name, f->name);
	}
	if (set->notes) {
		for (const char *p = set->notes; *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char *line = xstrndup(p, n);
			buf_addstr(md, "- ");
			md_str(md, line);
			buf_addstr(md, "\n");
			free(line);
			p += n + (nl ? 1 : 0);
		}
		buf_addstr(md, "\n");
	}
}

static void md_header(struct buf *md, const struct results *r, const char *source)
{
	buf_addstr(md, "# objmem report");
	if (r->label) {
		buf_addstr(md, ": ");
		md_str(md, r->label);
	}
	buf_addstr(md, "\n\nWhat one Python object costs in memory on each interpreter, measured by "
		       "objmem ");
	md_str(md, r->objmem_version ? r->objmem_version : "?");
	buf_addstr(md, " from the results file ");
	md_str(md, source ? source : "?");
	buf_addstr(md, ", created ");
	md_str(md, r->created ? r->created : "?");
	buf_addstr(md, ". Everything below is computed from that file alone. MB = 10^6 bytes.\n\n");
}

static void md_machine(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Machine and method\n\n**Machine**\n\n");
	md_kv_table(md, r->machine, "machine description");
	buf_addstr(md, "**Method.** Each cell (interpreter, workload, count, repetition) ran in a "
		       "fresh interpreter process. The child stopped at four phases and the driver "
		       "read its memory from /proc/PID/smaps_rollup at each one: `start` (right after "
		       "start-up), `base` (workload imported, one instance made and dropped, the list "
		       "`[None] * count` allocated, garbage collected), `full` (the list filled with "
		       "count instances, garbage collected) and `freed` (the list dropped). USS is "
		       "Private_Clean + Private_Dirty + Private_Hugetlb: the memory that is the "
		       "process's alone. Bytes per object = (USS at full - USS at base) / count, so "
		       "the list's own 8 bytes per slot are not counted. AbsoluteUsage = USS at full "
		       "- USS at start; Delta = USS at full - USS at base. These differences leave "
		       "out Private_Clean pages: a library's clean pages count as private only while "
		       "no other process maps the same file, which moved USS by megabytes between "
		       "repetitions. Each figure is the median over the repetitions that ended "
		       "ok.\n\n**Configuration of the run**\n\n");
	md_kv_table(md, r->config, "configuration");
}

static void md_report(struct buf *md, const struct results *r, const struct report_opts *o,
		      const struct table_parts *tp, const struct plot_set *set, const char *why_none)
{
	md_header(md, r, o->source);
	md_machine(md, r);
	md_interpreters(md, r);

	buf_addstr(md, "## Bytes per object\n\nThe USS growth from base to full divided by the "
		       "count, in bytes: interpreters down, workloads across, one table per count. "
		       "\"failed\" or \"skipped\": no repetition ended ok (see Not measured); empty: "
		       "not run.\n");
	md_slice(md, tp, tp->bpo, tp->bpo_end);

	md_figures(md, set, why_none);

	buf_addstr(md, "## Memory by count\n\nThe tables of the original article, per interpreter "
		       "and workload: Count, AbsoluteUsage (USS growth since start-up) and Delta (USS "
		       "growth from base to full) in MB, with bytes per object and the number of ok "
		       "repetitions.\n");
	md_slice(md, tp, 0, tp->detail_end);
	if (tp->fits_end > tp->fits) {
		buf_addstr(md, "### Least-squares fits\n\nDelta against count over every ok cell: the "
			       "slope is the cost of one object, the intercept a fixed overhead.\n");
		md_slice(md, tp, tp->fits, tp->fits_end);
	}
	md_not_measured(md, r);
	md_probe_details(md, r);
}

static const char html_style[] =
	"body{font:15px/1.45 \"DejaVu Sans\",system-ui,sans-serif;color:#222;background:#fff;margin:0}\n"
	"main{max-width:1500px;margin:0 auto;padding:12px 28px 48px}\n"
	"h1{font-size:1.7em;margin:.3em 0}\n"
	"h2{font-size:1.35em;border-bottom:2px solid #ddd;padding-bottom:.15em;margin-top:1.8em}\n"
	"h3{font-size:1.1em;margin-top:1.4em}\n"
	"table{border-collapse:collapse;margin:.5em 0 1.1em;font-size:.9em}\n"
	"th,td{border:1px solid #ccc;padding:2px 8px;vertical-align:top}\n"
	"th{background:#f0f0f0;text-align:left}\n"
	"tbody tr:nth-child(even){background:#fafafa}\n"
	".r{text-align:right;font-variant-numeric:tabular-nums}\n"
	".c{text-align:center}\n"
	"code{font-family:\"DejaVu Sans Mono\",monospace;font-size:.88em;background:#f4f4f4;padding:0 3px}\n"
	".wide{overflow-x:auto}\n"
	"figure{margin:.6em 0 .4em;overflow-x:auto}\n"
	"figure svg{max-width:100%;height:auto;display:block}\n"
	".cards{display:flex;flex-wrap:wrap;gap:0 28px}\n"
	".card h4{margin:.9em 0 .1em;font-size:1em}\n"
	".card p{margin:.1em 0;font-size:.82em;color:#555}\n"
	".missing{color:#a00}\n"
	"li{margin:.15em 0}\n";

static void html_page(struct buf *html, const struct results *r, const char *md, const char *figdir)
{
	buf_addstr(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			 "style-src 'unsafe-inline'; img-src data:\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=\"generator\" content=\"objmem report\">\n<title>objmem report");
	if (r->label) {
		buf_addstr(html, ": ");
		html_str(html, r->label);
	}
	buf_addf(html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", html_style);
	report_md_to_html(md, figdir, html);
	buf_addstr(html, "</main>\n</body>\n</html>\n");
}

int report_write(const struct results *r, const struct report_opts *o)
{
	if (plot_prepare_dir(o->outdir))
		return -1;
	struct table_parts tp;
	if (table_parts_make(r, &tp))
		return -1;

	struct plot_set set;
	memset(&set, 0, sizeof(set));
	const char *why_none = NULL;
	int figures_failed = 0;
	if (!o->figures) {
		why_none = "Left out (objmem report --no-figures).";
	} else if (!r->n_cells) {
		why_none = "None: the results hold no cells.";
	} else {
		struct plot_opts po;
		plot_opts_init(&po);
		po.outdir = o->outdir;
		po.formats = PLOT_SVG;
		po.count = o->count;
		po.templates = o->templates;
		po.gnuplot = o->gnuplot;
		po.timeout_s = o->timeout_s;
		po.source = o->source;
		if (plot_write_figures(r, &po, &set)) {
			figures_failed = 1;
			if (!set.n)
				why_none = "Not drawn: gnuplot could not be run (see the messages of "
					   "objmem report).";
		}
	}

	struct buf md = BUF_INIT, html = BUF_INIT;
	md_report(&md, r, o, &tp, &set, why_none);
	html_page(&html, r, md.p, o->outdir);
	char *md_path = xasprintf("%s/report.md", o->outdir);
	char *html_path = xasprintf("%s/report.html", o->outdir);
	int rc = write_file_atomic(md_path, md.p, md.len);
	if (!rc)
		rc = write_file_atomic(html_path, html.p, html.len);
	free(md_path);
	free(html_path);
	buf_release(&md);
	buf_release(&html);
	free(tp.text);
	plot_set_release(&set);
	if (rc)
		return -1;
	return figures_failed ? 1 : 0;
}

/* ---------------------------------------------------------- objmem report */

static const char report_usage[] =
	"usage: objmem report RESULTS.json [-o DIR] [--count N] [--no-figures]\n"
	"\n"
	"Writes DIR/report.md and DIR/report.html from a results file alone: the machine\n"
	"and the method, the interpreters with their probes, bytes per object, the\n"
	"article's Count / AbsoluteUsage / Delta tables, the figures (those of objmem\n"
	"plot, as SVG next to the report and inline in the HTML), and the cells that\n"
	"failed or were skipped, with why. report.html is one self-contained file: no\n"
	"script, nothing fetched from the network.\n"
	"\n"
	"  -o, --output DIR     where to write (default: RESULTS without .json, plus\n"
	"                       -report); made if missing\n"
	"  -n, --count N        the count the bar charts show (default: the largest)\n"
	"      --no-figures     tables only: do not run gnuplot\n"
	"      --templates DIR  the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH   the gnuplot to run (default: gnuplot on PATH)\n"
	"  -t, --timeout SECONDS  longest gnuplot may take for one figure (default 60)\n"
	"  -q, --quiet          do not print where the report went\n"
	"  -h, --help           this text\n"
	"\n"
	"example: objmem report results/latest.json -o results/report && "
	"xdg-open results/report/report.html\n"
	"\n"
	"exit status: 0 report written, 2 bad usage, unreadable results, an unwritable\n"
	"directory, or a figure gnuplot could not draw (the report is written without it)\n";

#define usage_report(...) usage_error(report_usage, __VA_ARGS__)

enum { ROPT_NO_FIGURES = 256, ROPT_TEMPLATES, ROPT_GNUPLOT };

static const struct option report_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "no-figures", no_argument, NULL, ROPT_NO_FIGURES },
	{ "templates", required_argument, NULL, ROPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, ROPT_GNUPLOT },
	{ "timeout", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	report_opts_init(&o);
	const char *outdir = NULL, *why;
	int quiet = 0, opt;
	long tmo;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:n:t:qh", report_options, NULL)) != -1) {
		switch (opt) {
		case 'o': outdir = optarg; break;
		case 'n':
			if (parse_count(optarg, &o.count, &why))
				return usage_report("bad --count '%s': %s", optarg, why);
			break;
		case 't':
			if (parse_int_range(optarg, 1, 86400, &tmo))
				return usage_report("bad --timeout '%s': give seconds, 1 to 86400",
						   optarg);
			o.timeout_s = (double)tmo;
			break;
		case ROPT_NO_FIGURES: o.figures = 0; break;
		case ROPT_TEMPLATES: o.templates = optarg; break;
		case ROPT_GNUPLOT: o.gnuplot = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': return usage_report(NULL);
		case ':': return usage_report("option '%s' needs a value", argv[optind - 1]);
		default: return usage_report("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_report(optind >= argc ? "give one results file" :
				   "give one results file, not several");
	const char *path = argv[optind];
	struct results r;
	results_init(&r);
	if (results_load(path, &r)) {
		results_release(&r);
		return 2;
	}
	char *dir = outdir ? xstrdup(outdir) : plot_default_dir(path, "report");
	o.outdir = dir;
	o.source = path;
	int rc = report_write(&r, &o);
	if (rc >= 0 && !quiet)
		printf("%s/report.md\n%s/report.html\n", dir, dir);
	if (rc == 1)
		error("the report in '%s' lacks the figures gnuplot could not draw "
		      "(--no-figures leaves them out on purpose)", dir);
	free(dir);
	results_release(&r);
	return rc ? 2 : 0;
}
