/* gnuplot.c - templates, data and script files, running gnuplot; see gnuplot.h. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "gnuplot.h"
#include "spawn.h"
#include "textfmt.h"

extern char **environ;

const char *const gp_format_names[] = { "png", "svg", "pdf", NULL };

const char *gp_format_name(unsigned bit)
{
	for (size_t i = 0; gp_format_names[i]; i++)
		if (bit == 1u << i)
			return gp_format_names[i];
	return "?";
}

/* ---------------------------------------------------------------- text */

void gp_escape(struct buf *out, const char *s)
{
	struct buf t = BUF_INIT;
	term_escape(&t, s);
	buf_add(out, "", 0);
	for (const char *p = t.p; *p; p++) {
		if (*p == '\'')
			buf_add(out, "'", 1);
		buf_add(out, p, 1);
	}
	buf_release(&t);
}

void gp_array_strings(struct buf *out, const char *var, const char *const *v, size_t n)
{
	if (!n) {
		/* gnuplot has no empty arrays: one empty string, its count says 0 */
		buf_addf(out, "array %s[1] = ['']\n", var);
		return;
	}
	buf_addf(out, "array %s[%zu] = [", var, n);
	for (size_t i = 0; i < n; i++) {
		buf_addstr(out, i ? ", '" : "'");
		gp_escape(out, v[i]);
		buf_addstr(out, "'");
	}
	buf_addstr(out, "]\n");
}

void gp_array_numbers(struct buf *out, const char *var, const double *v, size_t n)
{
	if (!n) {
		buf_addf(out, "array %s[1] = [0]\n", var);
		return;
	}
	buf_addf(out, "array %s[%zu] = [", var, n);
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%s%.6g", i ? ", " : "", v[i]);
	buf_addstr(out, "]\n");
}

void gp_data_name(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c == '"' || c <= ' ' || c == 0x7f ? '_' : c, f);
	}
	fputc('"', f);
}

void gp_data_number(char *out, size_t size, double v)
{
	if (!isfinite(v))
		snprintf(out, size, "NaN");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, size, "%.0f", v); /* whole numbers without an exponent */
	else
		snprintf(out, size, "%.10g", v);
}

void gp_data_header(FILE *f, const char *text)
{
	for (const char *p = text ? text : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(f, "# %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

static int is_key_start(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9') || c == '_';
}

int gp_subst(const char *tmpl, const struct strvec *vars, struct buf *out, char **why)
{
	*why = NULL;
	const char *p = tmpl;
	unsigned line = 1;
	buf_add(out, "", 0);
	while (*p) {
		const char *at = p;
		while (*at && *at != '@') {
			if (*at == '\n')
				line++;
			at++;
		}
		buf_add(out, p, (size_t)(at - p));
		if (!*at)
			break;
		const char *k = at + 1, *e = k;
		if (is_key_start(*e))
			while (is_key_char(*e))
				e++;
		if (e == k || *e != '@') {
			/* not a placeholder: keep the @ */
			buf_add(out, "@", 1);
			p = at + 1;
			continue;
		}
		char *key = xstrndup(k, (size_t)(e - k));
		const char *val = strvec_getenv(vars, key);
		if (!val) {
			*why = xasprintf("line %u: unknown placeholder @%s@", line, key);
			free(key);
			return -1;
		}
		free(key);
		buf_addstr(out, val);
		p = e + 1;
	}
	return 0;
}

/* ---------------------------------------------------------- the figure */

void gp_figure_init(struct gp_figure *f, const char *name, const char *kind,
		    const char *fallback)
{
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->kind = kind;
	f->fallback = fallback;
}

void gp_figure_release(struct gp_figure *f)
{
	free(f->name);
	strvec_clear(&f->vars);
	buf_release(&f->data);
	memset(f, 0, sizeof(*f));
}

void gp_set_text(struct gp_figure *f, const char *key, const char *text)
{
	struct buf b = BUF_INIT;
	gp_escape(&b, text ? text : "");
	strvec_setenv(&f->vars, key, b.p);
	buf_release(&b);
}

void gp_set_code(struct gp_figure *f, const char *key, const char *code)
{
	strvec_setenv(&f->vars, key, code);
}

void gp_set_long(struct gp_figure *f, const char *key, long v)
{
	char num[32];
	snprintf(num, sizeof(num), "%ld", v);
	strvec_setenv(&f->vars, key, num);
}

/* ------------------------------------------------------------- gnuplot */

/* Read the child's stdout and stderr (kept, at most 64 KiB) until both close or the deadline. */
static int drain(struct child *c, double deadline, struct buf *err)
{
	int open_out = 1, open_err = 1;
	while (open_out || open_err) {
		double left = deadline - now_s();
		if (left <= 0)
			return -1;
		struct pollfd p[2] = { { open_out ? c->out_fd : -1, POLLIN, 0 },
				       { open_err ? c->err_fd : -1, POLLIN, 0 } };
		int n = poll(p, 2, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			return 0;
		char tmp[4096];
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t got = read(p[i].fd, tmp, sizeof(tmp));
			if (got > 0) {
				if (err->len < 65536)
					buf_add(err, tmp, (size_t)got);
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				*(i ? &open_err : &open_out) = 0;
			}
		}
	}
	return 0;
}

/* The last few lines gnuplot wrote: they say what it did not like. */
static const char *last_lines(const char *text, size_t want)
{
	size_t lines = 0;
	for (const char *q = text + strlen(text); q > text; q--)
		if (q[-1] == '\n' && q[0] && ++lines == want)
			return q;
	return text;
}

int gp_run(const char *gnuplot, const char *dir, const char *script, double timeout_s,
	   char **why)
{
	struct child c;
	child_init(&c);
	strvec_push(&c.argv, gnuplot);
	strvec_push(&c.argv, "-e");
	struct buf cd = BUF_INIT;
	buf_addstr(&cd, "cd '");
	gp_escape(&cd, dir);
	buf_addstr(&cd, "'");
	strvec_push(&c.argv, cd.p);
	buf_release(&cd);
	strvec_push(&c.argv, script);
	for (char **e = environ; e && *e; e++)
		strvec_push(&c.env, *e);
	strvec_setenv(&c.env, "LC_NUMERIC", "C");
	if (child_start(&c, why)) {
		child_release(&c);
		return -1;
	}
	close(c.in_fd);
	c.in_fd = -1;

	struct buf err = BUF_INIT;
	double deadline = now_s() + timeout_s;
	int timed_out = drain(&c, deadline, &err) < 0;
	int rc = 0;
	if (timed_out || child_wait(&c, deadline - now_s() > 1 ? deadline - now_s() : 1) != 1) {
		child_kill(&c);
		*why = xasprintf("gnuplot did not finish '%s' within %.0f s; killed it", script,
				 timeout_s);
		rc = -1;
	} else if (!WIFEXITED(c.wait_status) || WEXITSTATUS(c.wait_status)) {
		char *how = child_describe_exit(&c);
		const char *tail = last_lines(err.p ? err.p : "", 8);
		*why = xasprintf("gnuplot %s on '%s/%s'%s%s", how, dir, script, *tail ? ":\n" : "",
				 tail);
		free(how);
		rc = -1;
	}
	buf_release(&err);
	child_release(&c);
	return rc;
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int load_template(const char *dir, const char *name, struct buf *out)
{
	char *path = xasprintf("%s/%s.gp", dir, name);
	buf_reset(out);
	int rc;
	if (access(path, R_OK) < 0)
		rc = error("cannot read the template '%s': %s; give --templates the directory of "
			   "objmem's plots/", path, strerror(errno));
	else
		rc = read_file(path, 1 << 20, out); /* says what went wrong itself */
	free(path);
	return rc;
}

int gp_env_init(struct gp_env *e, int render, const char *prog, const char *templates,
		const char *outdir, unsigned formats, double timeout_s, const char *made_by)
{
	memset(e, 0, sizeof(*e));
	e->outdir = outdir;
	e->formats = formats ? formats : GP_PNG;
	e->timeout_s = timeout_s;
	e->made_by = made_by;
	if (render) {
		const char *p = prog ? prog : "gnuplot";
		e->gnuplot = spawn_which(p, getenv("PATH"));
		if (!e->gnuplot && strchr(p, '/'))
			return error("cannot run '%s': no such executable file; give --gnuplot the "
				     "path of gnuplot", p);
		if (!e->gnuplot)
			return error("cannot find '%s' on PATH; install it (Debian: apt-get install "
				     "gnuplot-nox), give --gnuplot PATH, or write the scripts alone "
				     "with --scripts-only", p);
	}
	if (templates) {
		e->templates = xstrdup(templates);
	} else {
		char *src = objmem_srcdir("plots/common.gp");
		if (!src)
			return error("cannot find objmem's gnuplot templates (plots/common.gp); set "
				     "OBJMEM_SRCDIR to the directory that holds plots/, or give "
				     "--templates DIR");
		e->templates = xasprintf("%s/plots", src);
		free(src);
	}
	if (load_template(e->templates, "common", &e->common))
		return -1;
	return mkdir_p(outdir);
}

void gp_env_release(struct gp_env *e)
{
	free(e->gnuplot);
	free(e->templates);
	buf_release(&e->common);
	memset(e, 0, sizeof(*e));
}

static int write_beside(const char *dir, const char *name, const char *ext, const char *text,
			size_t len)
{
	char *path = xasprintf("%s/%s.%s", dir, name, ext);
	int rc = write_file_atomic(path, text ? text : "", len);
	free(path);
	return rc;
}

/* The script of f from its template; 0 or -1 (message printed). */
static int make_script(const struct gp_env *e, struct gp_figure *f, struct buf *gp)
{
	struct buf tmpl = BUF_INIT;
	/* a template made for this figure kind wins over the shared one */
	char *own = xasprintf("%s/%s.gp", e->templates, f->kind);
	const char *which = is_file(own) ? f->kind : f->fallback;
	free(own);
	int rc = load_template(e->templates, which, &tmpl);
	if (!rc) {
		gp_set_code(f, "COMMON", e->common.p);
		buf_addf(gp, "# %s.gp - made by %s from the template %s/%s.gp.\n"
			 "# Run `gnuplot %s.gp` in this directory to draw the figure again\n"
			 "# from %s.dat; edit either (or the template) to change it.\n",
			 f->name, e->made_by, e->templates, which, f->name, f->name);
		char *why;
		if (gp_subst(tmpl.p, &f->vars, gp, &why)) {
			rc = error("template '%s/%s.gp': %s", e->templates, which, why);
			free(why);
		}
	}
	buf_release(&tmpl);
	return rc;
}

/* Which of the formats exist as non-empty files; with unlink, remove them instead. */
static unsigned images(const struct gp_env *e, const char *name, int unlink_them)
{
	unsigned got = 0;
	for (unsigned bit = 1; bit <= GP_PDF; bit <<= 1) {
		if (!(e->formats & bit))
			continue;
		char *path = xasprintf("%s/%s.%s", e->outdir, name, gp_format_name(bit));
		struct stat st;
		if (unlink_them)
			unlink(path);
		else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			got |= bit;
		free(path);
	}
	return got;
}

int gp_draw(const struct gp_env *e, struct gp_figure *f)
{
	struct buf gp = BUF_INIT;
	f->drawn = 0;
	struct buf fmts = BUF_INIT;
	for (unsigned bit = 1; bit <= GP_PDF; bit <<= 1)
		if (e->formats & bit)
			buf_addf(&fmts, "%s%s", fmts.len ? " " : "", gp_format_name(bit));
	gp_set_code(f, "FORMATS", fmts.p);
	buf_release(&fmts);
	char *dat = xasprintf("%s.dat", f->name);
	gp_set_text(f, "DATA", dat);
	gp_set_text(f, "NAME", f->name);
	free(dat);
	int rc = make_script(e, f, &gp);
	if (!rc)
		rc = write_beside(e->outdir, f->name, "dat", f->data.p, f->data.len);
	if (!rc)
		rc = write_beside(e->outdir, f->name, "gp", gp.p, gp.len);
	buf_release(&gp);
	if (rc || !e->gnuplot)
		return rc;
	/* stale outputs of an earlier run must not pass for new ones */
	images(e, f->name, 1);
	char *script = xasprintf("%s.gp", f->name), *why = NULL;
	if (gp_run(e->gnuplot, e->outdir, script, e->timeout_s, &why)) {
		error("%s", why);
		rc = 1;
	} else {
		f->drawn = images(e, f->name, 0);
		if (f->drawn != e->formats) {
			error("gnuplot ran on '%s/%s' but did not write every figure it was asked "
			      "for; run 'gnuplot %s' there to see why", e->outdir, script, script);
			rc = 1;
		}
	}
	free(why);
	free(script);
	return rc;
}
