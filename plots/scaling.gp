# scaling.gp - memory against object count for one workload (objmem
# figures scaling-WORKLOAD), log-log, one line per SERIES entry: above the
# absolute usage (USS growth since the interpreter started), below the
# delta (USS growth from base to full: the objects alone), the legend
# under both, in as many columns as the width holds. A count that could
# not be measured breaks its line (NaN in the data) and is named in the
# note. Values of 0 or less cannot be shown on a log scale and are left
# out the same way.
#
# Everything that depends on the figure's size is computed below, for each
# output format, from its size and the text: editing PNGW, PDFW, the
# heights or TITLE here re-flows the figure.
#
# Data (@DATA@, beside this script): one block per series (gnuplot
# "index i-1"), one row per count: count absolute-MB delta-MB status.
@COMMON@
# ---- filled in by objmem ----
DATA = HERE . '@DATA@'
NAME = HERE . '@NAME@'
TITLE = '@TITLE@'
XLABEL = '@XLABEL@'
PNGW = @WIDTH@     # PNG and SVG: pixels
PNGH = @HEIGHT@    # 0: tall enough for the panels and the legend
PDFW = @PDFWIDTH@  # PDF: inches
PDFH = @PDFHEIGHT@ # 0: tall enough for the panels and the legend
@DEFS@
# ------------------------------

pos(v) = v > 0 ? v : NaN
KEYROW = em(SMALLPT) * 1.25  # one legend row
XAXPX = em(BODYPT) * 3.6     # under the lower panel: its count tics and label
PANELPX = 250                # each panel's height, when H is 0
GAPPX = em(BODYPT) * 2.4     # between the panels: the upper one's count tics
LEFTPX = textw(7, BODYPT) + em(BODYPT) * 2
RIGHTPX = 24

set logscale xy
set xrange [XMIN : XMAX]
set xtics scale 1 ()
do for [k = 1:NX] { set xtics add (tic(COUNTLABELS[k]) COUNTS[k]) }
set format y "%g"
set grid xtics ytics lw 1 lc rgb "#DDDDDD" dt 1 back
linecolor(i) = sprintf("#%06x", shade(FAMILY[i], SHADE[i]))

do for [FMT_OUT in "@FORMATS@"] {
    eval size(FMT_OUT)
    eval heading(W)
    TOPPX = TOPTEXTPX
    # the legend under the panels, in as many columns as the width holds
    KEYCOLPX = textw(LABELCHARS, SMALLPT) + 70
    KEYCOLS = int((W - LEFTPX / 2) / KEYCOLPX)
    if (KEYCOLS < 1) { KEYCOLS = 1 }
    if (KEYCOLS > NS) { KEYCOLS = NS }
    KEYROWS = (NS + KEYCOLS - 1) / KEYCOLS
    LEGPX = KEYROWS * KEYROW + em(BODYPT)
    BOTPX = XAXPX + LEGPX
    if (H <= 0) { H = int(TOPPX + BOTPX + 2 * PANELPX + GAPPX + 0.5) }
    PANEL = (H - TOPPX - BOTPX - GAPPX) / 2.0 / H
    eval term(FMT_OUT)
    set output NAME . "." . FMT_OUT
    set multiplot
    eval HEADLABELS    # the title and the note under it, centred
    set lmargin at screen LEFTPX / W
    set rmargin at screen 1.0 - RIGHTPX / W

    set tmargin at screen 1.0 - TOPPX / H
    set bmargin at screen 1.0 - TOPPX / H - PANEL
    set ylabel 'absolute: MB since start-up' textcolor rgb TEXTCOLOR
    unset xlabel
    set yrange [YMIN_ABS : YMAX_ABS]
    unset key
    plot for [i = 1:NS] DATA index (i - 1) using 1:(pos($2)) with linespoints \
        lc rgb linecolor(i) dt dash(FAMILY[i]) pt point(i) ps 1.0 lw 2 notitle

    unset label 98
    unset label 99
    set key at screen LEFTPX / 2 / W, (LEGPX - em(BODYPT) * 0.4) / H left top horizontal \
        maxcols KEYCOLS Left reverse samplen 2.5 spacing 1.0 font LABELFONT \
        textcolor rgb TEXTCOLOR
    set tmargin at screen BOTPX / H + PANEL
    set bmargin at screen BOTPX / H
    set ylabel 'delta: MB for the objects' textcolor rgb TEXTCOLOR
    set xlabel XLABEL textcolor rgb TEXTCOLOR
    set yrange [YMIN_DELTA : YMAX_DELTA]
    plot for [i = 1:NS] DATA index (i - 1) using 1:(pos($3)) with linespoints \
        lc rgb linecolor(i) dt dash(FAMILY[i]) pt point(i) ps 1.0 lw 2 title SERIES[i]
    unset multiplot
    set output
}
