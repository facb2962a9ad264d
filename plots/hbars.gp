# hbars.gp - horizontal bars (objmem figures versions, versions-peak,
# versions-absolute, bytes-per-object, memory-kinds-WORKLOAD): the rows are
# grouped under headings (a workload, or a build), each row is one bar with
# its label on the axis, its value written at its end, and a min..max
# error bar when the cell ran more than once. A bar that could not be
# measured is not drawn as zero: its row says why ("failed", "skipped",
# "missing"). See plots/README.md for the placeholders.
#
# Everything that depends on the figure's size is computed below, for each
# output format, from its size and the text: editing PNGW, PDFW, the
# heights or TITLE here re-flows the figure.
#
# Data (@DATA@, beside this script): one row per bar:
#   row ypos value min max status behind1 behind2
# where behind1 and behind2 (NaN unless NBEHIND is 2) are larger values
# drawn as lighter bars behind the bar, named by KIND[2] and KIND[3].
@COMMON@
# ---- filled in by objmem ----
DATA = HERE . '@DATA@'
NAME = HERE . '@NAME@'
TITLE = '@TITLE@'
XLABEL = '@XLABEL@'
PNGW = @WIDTH@     # PNG and SVG: pixels
PNGH = @HEIGHT@    # 0: as tall as the rows need
PDFW = @PDFWIDTH@  # PDF: inches
PDFH = @PDFHEIGHT@ # 0: as tall as the rows need
@DEFS@
# ------------------------------

# Sizes in pixels, from the fonts.
ROWPX = em(BODYPT) * 1.35            # one bar's row
HEADPX = em(BODYPT) * LINE * 1.6     # a heading's row
BOTPX = em(BODYPT) * 4.2
BARH = 0.68
barcolor(i) = shade(FAMILY[int(i)], SHADE[int(i)])
# bars behind a bar (NBEHIND 2): the same hue, lighter
behindcolor(i, t) = shade(FAMILY[int(i)], SHADE[int(i)] + (1 - SHADE[int(i)]) * t)
# the value at the bar's end, past its error bar: "v", or "v / b1 / b2"
# (columns 7 and 8 are read only when NBEHIND > 0: a NaN column would
# leave the label out)
vlabel(st, v, b1, b2) = st ne "ok" ? "" : NBEHIND > 0 ? \
    sprintf(FMT . " / " . FMT . " / " . FMT, v, b1, b2) : sprintf(FMT, v)
vend(v, hi, b2) = NBEHIND > 0 ? b2 : hi > v ? hi : v
gap(st) = st eq "ok" ? "" : st
KEYPX = NBEHIND > 0 ? em(SMALLPT) * 2 : 0   # the legend's row, under the note
HEADFONT = FACE . " Bold," . BODYPT

set xlabel XLABEL textcolor rgb TEXTCOLOR
set yrange [YMAX + 0.6 : 0.4]
set format x "%g"
set xtics nomirror
set mxtics
set grid xtics lw 1 lc rgb "#DDDDDD" dt 1 back

do for [FMT_OUT in "@FORMATS@"] {
    eval size(FMT_OUT)
    eval heading(W)
    TOPPX = TOPTEXTPX + KEYPX
    if (H <= 0) { H = int(TOPPX + BOTPX + NR * ROWPX + NG * HEADPX + 0.5) }
    # the labels' column: the longest label; in the smaller font when it
    # would take more than half the width, and never more than 60% of it
    LABELPT = textw(LABELCHARS, BODYPT) + 24 > 0.5 * W ? SMALLPT : BODYPT
    LABELPX = textw(LABELCHARS, LABELPT) + 24
    if (LABELPX > 0.6 * W) { LABELPX = 0.6 * W }
    # room right of the longest bar for its value
    VALUEPX = textw(VALUECHARS, SMALLPT) + 14
    PLOTPX = W - LABELPX - 24
    XMAX = MAXV > 0 ? MAXV * PLOTPX / (PLOTPX - VALUEPX) : 1
    set xrange [0 : XMAX]
    set lmargin at screen LABELPX / W
    set rmargin at screen 1.0 - 24.0 / W
    set tmargin at screen 1.0 - TOPPX / H
    set bmargin at screen BOTPX / H
    eval HEADLABELS    # the title and the note under it, centred
    YTICFONT = font(LABELPT)
    set ytics scale 0 () font YTICFONT
    do for [i = 1:NR] { set ytics add (tic(LABEL[i]) YPOS[i]) }
    # the headings, flush with the left edge
    do for [g = 1:NG] {
        set label 100 + g GROUP[g] at screen 8.0 / W, first GYPOS[g] left \
            font HEADFONT textcolor rgb TEXTCOLOR front
    }
    if (NBEHIND > 0) {
        set key at screen 1.0 - 24.0 / W, 1.0 - TOPTEXTPX / H right top horizontal \
            samplen 1.5 font LABELFONT textcolor rgb TEXTCOLOR
    } else { unset key }
    eval term(FMT_OUT)
    set output NAME . "." . FMT_OUT
    plot DATA using ($8 / 2):2:($8 / 2):(BARH / 2):(behindcolor($1, 0.75)) with boxxyerror \
             fs solid 1.0 border lc rgb TEXTCOLOR lc rgb variable notitle, \
         DATA using ($7 / 2):2:($7 / 2):(BARH / 2):(behindcolor($1, 0.45)) with boxxyerror \
             fs solid 1.0 border lc rgb TEXTCOLOR lc rgb variable notitle, \
         DATA using ($3 / 2):2:($3 / 2):(BARH / 2):(barcolor($1)) with boxxyerror \
             fs solid 1.0 border lc rgb TEXTCOLOR lc rgb variable notitle, \
         for [k = 1:NBEHIND + 1] NaN with boxes fs solid 1.0 border lc rgb TEXTCOLOR \
             lc rgb shade(7, (k - 1) * 0.35) title KIND[k], \
         DATA using ($5 > $4 ? $3 : NaN):2:4:5 with xerrorbars pt 0 lw 1.2 lc rgb TEXTCOLOR notitle, \
         DATA using (vend($3, $5, NBEHIND > 0 ? $8 : 0)):2:(vlabel(strcol(6), $3, \
             NBEHIND > 0 ? $7 : 0, NBEHIND > 0 ? $8 : 0)) with labels left \
             offset char 0.4, 0 font LABELFONT textcolor rgb TEXTCOLOR notitle, \
         DATA using (0):2:(gap(strcol(6))) with labels left offset char 0.4, 0 \
             font LABELFONT textcolor rgb GAPCOLOR notitle
    set output
}
