# trend.gp - bytes per object over a series of results files (objmem
# trend): one line per interpreter, workload and count, the results files
# along x, oldest left, each named by its revision label (objmem run
# --label) or else its date. Bars: min..max of the repetitions. A point
# LARGER than the point before it on its line, by the rule of objmem
# compare, is ringed in red with its change written above it; a smaller one
# is ringed in green with its change below. A file in which a line has no ok repetition leaves a
# gap in it, never a zero. See plots/README.md for the placeholders.
#
# Data (@DATA@): one block per line (gnuplot "index i-1"), one row per
# results file: x median min max status mark change, where status is ok,
# no-data or missing, mark is 1 (LARGER), -1 (smaller) or 0, and change is
# the change from the point before ("+5.0%") or "-".
@COMMON@
# ---- filled in by objmem ----
DATA = HERE . '@DATA@'
NAME = HERE . '@NAME@'
PNGW = @WIDTH@     # PNG and SVG: pixels
PNGH = @HEIGHT@
PDFW = PNGW / PXIN # PDF: inches, the PNG to scale
PDFH = PNGH / PXIN
@DEFS@
# ------------------------------

TITLE = '@TITLE@'
YLABEL = '@YLABEL@'
XLABEL = '@XLABEL@'
LARGERCOLOR = "#C0392B"
SMALLERCOLOR = "#1E8449"

larger(m, y) = m > 0 ? y : NaN
smaller(m, y) = m < 0 ? y : NaN

set title TITLE
set xlabel XLABEL textcolor rgb TEXTCOLOR
set ylabel YLABEL textcolor rgb TEXTCOLOR
set xrange [-0.5 : NX - 0.5]
set xtics scale 1 ()
do for [k = 1:NX] { set xtics add (tic(XLABELS[k]) k - 1) }
if (XTICROT) { set xtics rotate by 30 right } else { set xtics norotate }
set format y "%g"
# room above and below the points for the changes written by the rings
set offsets 0, 0, graph 0.12, graph 0.12

do for [FMT in "@FORMATS@"] {
    eval size(FMT)
    # The legend right of the plot, so that it never covers a point.
    TOP = 1.0 - 56.0 / H
    KX = 1.0 - (KEYW + 10.0) / W
    set tmargin at screen TOP
    set bmargin at screen BOTTOM * 1.0 / H
    set rmargin at screen KX - 20.0 / W
    set key at screen KX, TOP left top Left reverse samplen 4 spacing 1.25 textcolor rgb TEXTCOLOR
    eval term(FMT)
    set output NAME . "." . FMT
    plot for [i = 1:NL] DATA index (i - 1) using 1:2:3:4 with yerrorlines \
            lc rgb color(i) dt dash(i) pt point(i) ps 1.2 lw 2 title SERIES[i], \
         for [i = 1:NL] DATA index (i - 1) using 1:(larger($6, $2)) with points \
            pt 6 ps 3.2 lw 2.5 lc rgb LARGERCOLOR \
            title (i == 1 && NLARGER > 0 ? 'LARGER than the point before' : ''), \
         for [i = 1:NL] DATA index (i - 1) using 1:(larger($6, $2)):7 with labels \
            offset 0, 2 font LABELFONT textcolor rgb LARGERCOLOR notitle, \
         for [i = 1:NL] DATA index (i - 1) using 1:(smaller($6, $2)) with points \
            pt 6 ps 3.2 lw 2.5 lc rgb SMALLERCOLOR \
            title (i == 1 && NSMALLER > 0 ? 'smaller than the point before' : ''), \
         for [i = 1:NL] DATA index (i - 1) using 1:(smaller($6, $2)):7 with labels \
            offset 0, -2 font LABELFONT textcolor rgb SMALLERCOLOR notitle
    set output
}
