/*
 * gnuplot.h - drawing a figure with gnuplot: finding gnuplot and the
 * templates (plots/NAME.gp), filling a template's @PLACEHOLDERS@
 * (plots/README.md lists them), writing NAME.dat and NAME.gp atomically,
 * removing stale images, running gnuplot (fork/exec with an argv through
 * spawn.h, never a shell, with a timeout) and checking what it drew.
 *
 * Owns: every rule about gnuplot text. Names are data: whatever an
 * interpreter or workload name holds (a quote, a %, an @, a newline) goes
 * into a script as a single-quoted string literal that gnuplot shows as
 * that text (control characters as \n or \xNN), and templates pass tic
 * labels through common.gp's tic(), which doubles the % that gnuplot would
 * read as a format. plot.c and trend.c say what to draw; this draws it.
 *
 * Steps: gp_env_init once, then per figure gp_figure_init, gp_set_* and
 * data into fig.data, gp_draw, gp_figure_release; gp_env_release.
 */
#ifndef OBJMEM_GNUPLOT_H
#define OBJMEM_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

enum gp_format { GP_PNG = 1, GP_SVG = 2, GP_PDF = 4 };
#define GP_FORMATS_ALL (GP_PNG | GP_SVG | GP_PDF)
/* "png", "svg", "pdf", NULL: bit i is gp_format_names[i] (for cli_choice_set). */
extern const char *const gp_format_names[];
/* The name of one format bit. */
const char *gp_format_name(unsigned bit);

/* Where and how figures are drawn: shared by every figure of a command. */
struct gp_env {
	char *gnuplot;          /* the program, resolved on PATH; NULL: scripts only */
	char *templates;        /* directory of the .gp templates */
	struct buf common;      /* plots/common.gp, pasted into every script */
	const char *outdir;
	unsigned formats;       /* GP_* mask */
	double timeout_s;       /* per figure */
	const char *made_by;    /* "objmem plot", named in each script's header */
};

/*
 * Find gnuplot (render: prog, or "gnuplot" on PATH when NULL) and the
 * templates (templates, or objmem's plots/ when NULL), read common.gp, and
 * make outdir. Returns 0, or -1 after saying what is missing and how to
 * get it. Release in any case.
 */
int gp_env_init(struct gp_env *e, int render, const char *prog, const char *templates,
		const char *outdir, unsigned formats, double timeout_s, const char *made_by);
void gp_env_release(struct gp_env *e);

/* One figure: its template, placeholder values and data. */
struct gp_figure {
	char *name;             /* stem of NAME.dat, NAME.gp and the images */
	const char *kind;       /* plots/KIND.gp, used when the user made one */
	const char *fallback;   /* else plots/FALLBACK.gp */
	struct strvec vars;     /* "KEY=VALUE" placeholder values */
	struct buf data;        /* what NAME.dat holds */
	unsigned drawn;         /* after gp_draw: the formats gnuplot made */
};

void gp_figure_init(struct gp_figure *f, const char *name, const char *kind,
		    const char *fallback);
void gp_figure_release(struct gp_figure *f);
/* A placeholder that goes inside a '...' string of a template: escaped. */
void gp_set_text(struct gp_figure *f, const char *key, const char *text);
/* A placeholder taken as gnuplot code (numbers, DEFS): as it is. */
void gp_set_code(struct gp_figure *f, const char *key, const char *code);
void gp_set_long(struct gp_figure *f, const char *key, long v);

/*
 * Write DIR/NAME.dat and DIR/NAME.gp (standalone: common.gp pasted in,
 * a header saying how to draw it again); with a gnuplot, remove the
 * images an earlier run left, draw, and set f->drawn to what exists now.
 * Returns 0, 1 when gnuplot failed or did not draw every format (said on
 * stderr; the others may go on), -1 when a file could not be written.
 */
int gp_draw(const struct gp_env *e, struct gp_figure *f);

/* ---- text, exposed for plot.c, trend.c and the tests ---- */

/*
 * s inside a gnuplot single-quoted string: ' doubled, control characters
 * (newlines too) and bytes that are not UTF-8 as visible \n, \t or \xNN.
 */
void gp_escape(struct buf *out, const char *s);
/* array VAR[n] = ['a', 'b''s', ...]; n = 0 writes one empty element (gnuplot
 * has no empty arrays), so keep the count in a variable of its own. */
void gp_array_strings(struct buf *out, const char *var, const char *const *v, size_t n);
/* array VAR[n] = [1.5, 2, ...], the same way */
void gp_array_numbers(struct buf *out, const char *var, const double *v, size_t n);
/*
 * A name as a column of a data file: double-quoted, with quotes, blanks and
 * control characters as '_' (the script takes names from its arrays, not
 * from the data file; this column is for people reading it).
 */
void gp_data_name(FILE *f, const char *s);
/* A number as a data file has it: "%.10g", whole numbers plain, "NaN" when not finite. */
void gp_data_number(char *out, size_t size, double v);
/* The comment lines at the top of a data file ("# " before each line of text). */
void gp_data_header(FILE *f, const char *text);

/*
 * Replace each @KEY@ (KEY: an upper-case letter, then upper-case letters,
 * digits, '_') in tmpl by the value of KEY in vars. Values are inserted as
 * they are and not scanned again. An @ that does not start such a
 * placeholder is copied. Returns 0, or -1 with *why (malloc'ed) naming the
 * line of an unknown placeholder.
 */
int gp_subst(const char *tmpl, const struct strvec *vars, struct buf *out, char **why);

/*
 * Run `gnuplot -e "cd 'DIR'" SCRIPT` with a timeout. Returns 0, or -1 with
 * *why (malloc'ed) saying what gnuplot said or did.
 */
int gp_run(const char *gnuplot, const char *dir, const char *script, double timeout_s,
	   char **why);

#endif
