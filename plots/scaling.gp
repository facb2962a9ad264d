# scaling.gp - memory against object count for one workload (objmem
# figures scaling-WORKLOAD), log-log, one line per SERIES entry: on the
# left the absolute usage (USS growth since the interpreter started), on
# the right the delta (USS growth from base to full: the objects alone).
# A count that could not be measured breaks its line (NaN in the data)
# and is named in the note under the plot. Values of 0 or less cannot be
# shown on a log scale and are left out the same way.
#
# Data (@DATA@): one block per series (gnuplot "index i-1"), one row per
# count: count absolute-MB delta-MB status.
@COMMON@
# ---- filled in by objmem ----
DATA = '@DATA@'
NAME = '@NAME@'
W = @WIDTH@
H = @HEIGHT@
@DEFS@
# ------------------------------

TITLE = '@TITLE@'
YLABEL = '@YLABEL@'
XLABEL = '@XLABEL@'
NOTE = @NOTE@

pos(v) = v > 0 ? v : NaN

set logscale xy
set xrange [XMIN : XMAX]
set xtics scale 1 ()
do for [k = 1:NX] { set xtics add (tic(COUNTLABELS[k]) COUNTS[k]) }
set mxtics default
set format y "%g"
set grid xtics ytics lw 1 lc rgb "#DDDDDD" dt 1 back
set xlabel XLABEL textcolor rgb TEXTCOLOR
set ylabel YLABEL textcolor rgb TEXTCOLOR
# the note under the plots: its first line is placed, the others follow
if (NOTELINES > 0) { set label 99 NOTE at screen 8.0 / W, (14.0 + 13.0 * (NOTELINES - 1)) / H \
    left font LABELFONT textcolor rgb GAPCOLOR }

# Two panels of the same size, the legend right of them.
TOP = 1.0 - 70.0 / H
BOT = BOTTOM * 1.0 / H
KX = 1.0 - (KEYW + 10.0) / W
PW = (KX - 20.0 / W - 90.0 / W - 100.0 / W) / 2
P1L = 90.0 / W
P2L = P1L + PW + 100.0 / W

do for [FMT in "@FORMATS@"] {
    eval term(FMT)
    set output NAME . "." . FMT
    set multiplot title TITLE font TITLEFONT

    set tmargin at screen TOP
    set bmargin at screen BOT
    set lmargin at screen P1L
    set rmargin at screen P1L + PW
    set title 'AbsoluteUsage: USS growth since start-up' font FONT
    set yrange [YMIN_ABS : YMAX_ABS]
    unset key
    plot for [i = 1:NS] DATA index (i - 1) using 1:(pos($2)) with linespoints \
        lc rgb color(STYLE[i]) dt dash(STYLE[i]) pt point(STYLE[i]) ps 1.2 lw 2 notitle

    set lmargin at screen P2L
    set rmargin at screen P2L + PW
    set title 'Delta: USS growth from base to full' font FONT
    set yrange [YMIN_DELTA : YMAX_DELTA]
    set key at screen KX, TOP left top Left reverse samplen 4 spacing 1.25 textcolor rgb TEXTCOLOR
    unset label 99
    plot for [i = 1:NS] DATA index (i - 1) using 1:(pos($3)) with linespoints \
        lc rgb color(STYLE[i]) dt dash(STYLE[i]) pt point(STYLE[i]) ps 1.2 lw 2 title SERIES[i]

    unset multiplot
    set output
    # the note under the plots: its first line is placed, the others follow
if (NOTELINES > 0) { set label 99 NOTE at screen 8.0 / W, (14.0 + 13.0 * (NOTELINES - 1)) / H \
    left font LABELFONT textcolor rgb GAPCOLOR }
}
