# common.gp - the look every objmem figure shares. objmem pastes this file
# into each figure's script (where its template has the COMMON placeholder),
# so every generated script stays standalone. Edit it to restyle all figures
# at once (see plots/README.md).

set encoding utf8
# Values objmem could not measure are written as NaN (the point or bar is
# left out and a line is broken there); "?" is accepted too when you edit
# a data file by hand.
set datafile missing "?"

# ---- where the script is: data and images are found beside it ----------
# ARG0 is the script as gnuplot was given it ("figs/versions.gp"), so
# `gnuplot figs/versions.gp` works from any directory.
lastslash(s, at) = strstrt(s[at + 1:], "/") ? lastslash(s, at + strstrt(s[at + 1:], "/")) : at
HERE = exists("ARG0") ? ARG0[1:lastslash(ARG0, 0)] : ""

# Tic labels are format strings to gnuplot: a % in a name (pct%d) would be
# read as a conversion. tic(s) doubles every %, so the name shows as it is.
tic(s) = strstrt(s, "%") ? s[1:strstrt(s, "%")] . "%" . tic(s[strstrt(s, "%") + 1:]) : s

# ---- sizes: pixels, points and inches -----------------------------------
# A figure is laid out in pixels at 96 to the inch, its text in points (a
# font of N points is N * 4/3 pixels high, its capitals about N pixels):
# the scale at which a browser shows the PNG and the SVG. The PDF is drawn
# at the same scale, so its text has the same physical size as theirs.
#
# The size of each output format: PNG and SVG are PNGW x PNGH pixels, the
# PDF is PDFW x PDFH inches (by default a column: 6.5 inches wide). A
# height of 0 means as tall as the content needs. A template computes its
# layout inside its loop over the formats, after `eval size(FMT_OUT)` has
# set W and H (pixels) for that format, so every format is laid out anew.
PXIN = 96.0
size(fmt) = fmt eq "pdf" ? sprintf("W = %.6g; H = %.6g", PDFW * PXIN, PDFH * PXIN) \
                         : sprintf("W = %.6g; H = %.6g", PNGW, PNGH)

FACE = "DejaVu Sans"
BODYPT = 11      # tics, legend, group names
SMALLPT = 10     # values on bars, notes: the smallest text, 13 px high
TITLEPT = 13
em(pt) = pt * 4.0 / 3    # the font's height in pixels
CHARW = 0.60             # character width of DejaVu Sans, in em (names have capitals: generous)
textw(n, pt) = n * CHARW * em(pt)   # pixels n characters take
LINE = 1.45              # line pitch, in em
font(pt) = sprintf("%s,%d", FACE, pt)
FONT = font(BODYPT)
LABELFONT = font(SMALLPT)
TITLEFONT = font(TITLEPT)
TEXTCOLOR = "#222222"
GAPCOLOR = "#555555"

# The terminal for one output format, W x H pixels. svg writes font sizes
# in pixels (fontscale 4/3 makes N points N * 4/3 of them); pdfcairo draws a
# font a third larger than its size and then scales it by fontscale (0.5
# unless told), so 0.75 gives N points.
term(fmt) = \
    fmt eq "png" ? sprintf("set terminal pngcairo size %d,%d font '%s' noenhanced background rgb 'white'", W, H, FONT) : \
    fmt eq "svg" ? sprintf("set terminal svg size %d,%d font '%s' fontscale %.4f noenhanced background rgb 'white'", W, H, FONT, 4.0 / 3) : \
    fmt eq "pdf" ? sprintf("set terminal pdfcairo size %.3fin,%.3fin font '%s' fontscale 0.75 noenhanced", W / PXIN, H / PXIN, FONT) : \
    sprintf("print 'unknown output format %s'; exit status 2", fmt)

# Text wrapped at blanks into lines of at most n characters (hard where a
# word is longer than half a line), and the number of lines of a text.
lastblank(s, i) = i < 1 ? 0 : s[i:i] eq " " ? i : lastblank(s, i - 1)
wrap(s, n) = strlen(s) <= n ? s : (lambda_b = lastblank(s, n + 1), lambda_b > n / 2 ? \
    s[1:lambda_b - 1] . "\n" . wrap(s[lambda_b + 1:], n) : s[1:n] . "\n" . wrap(s[n + 1:], n))
nlines(s) = strlen(s) == 0 ? 0 : 1 + (strstrt(s, "\n") ? nlines(s[strstrt(s, "\n") + 1:]) : 0)
# The title and the note under it, wrapped to the width w: `eval
# heading(W)` sets TITLETEXT, TITLELINES, NOTETEXT, NOTELINES and TOPTEXTPX,
# the pixels they take at the top; then `eval HEADLABELS` places them.
heading(w) = sprintf("TITLETEXT = wrap(TITLE, %d); TITLELINES = nlines(TITLETEXT); " . \
    "NOTETEXT = wrap(NOTE, %d); NOTELINES = nlines(NOTETEXT); " . \
    "TOPTEXTPX = em(TITLEPT) * (1.8 + (TITLELINES - 1) * LINE) + NOTELINES * em(SMALLPT) * LINE + em(BODYPT)", \
    int((w - 24) / textw(1, TITLEPT)), int((w - 24) / textw(1, SMALLPT)))
HEADLABELS = "set label 98 TITLETEXT at screen 0.5, 1.0 - em(TITLEPT) * 1.1 / H center " . \
    "font TITLEFONT textcolor rgb TEXTCOLOR front; " . \
    "if (NOTELINES > 0) { set label 99 NOTETEXT at screen 0.5, " . \
    "1.0 - (em(TITLEPT) * (1.6 + (TITLELINES - 1) * LINE) + em(SMALLPT) * LINE) / H center " . \
    "font LABELFONT textcolor rgb GAPCOLOR front } else { unset label 99 }"

# ---- colours ---------------------------------------------------------------
# Okabe-Ito, a palette colour-blind readers can tell apart; its black is
# replaced by grey. Lines and bars of one family of builds (CPython, PyPy,
# MicroPython, ...) share a hue; builds within a family are shades of it,
# lighter for older versions: FAMILY[i] picks the hue, SHADE[i] (0 = full
# colour, towards 1 = lighter) the shade.
array COLOR[8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", \
                  "#D55E00", "#56B4E9", "#999999", "#F0E442"]
hex(s, i) = int(sprintf("%d", ("0x" . s[i:i+1]) + 0))
chan(c, i, t) = int(hex(c, i) + (255 - hex(c, i)) * t)
# the 0xRRGGBB of family f's hue, lightened by t (0 to 1)
shade(f, t) = (lambda_c = COLOR[(f - 1) % |COLOR| + 1], \
               chan(lambda_c, 2, t) * 65536 + chan(lambda_c, 4, t) * 256 + chan(lambda_c, 6, t))
# Fill patterns and dash types change with the family too, so figures read
# in greyscale.
array PATTERN[7] = [0, 4, 5, 1, 6, 7, 2]
array DASH[5] = [1, 2, 4, 5, 3]
array POINT[11] = [7, 5, 9, 11, 13, 6, 4, 8, 10, 12, 3]
pattern(i) = PATTERN[(i - 1) % |PATTERN| + 1]
dash(i) = DASH[(i - 1) % |DASH| + 1]
point(i) = POINT[(i - 1) % |POINT| + 1]
color(i) = COLOR[(i - 1) % |COLOR| + 1]

set border 3 lw 1 lc rgb TEXTCOLOR
set tics nomirror out textcolor rgb TEXTCOLOR
set title font TITLEFONT textcolor rgb TEXTCOLOR
