# bars.gp - grouped bars (objmem figures versions, bytes-per-object,
# memory-kinds-WORKLOAD): one group per GROUPS entry, one bar per SERIES
# entry, the value written on each bar. A bar that could not be measured
# is not drawn as zero: its slot stays empty and says why ("failed",
# "skipped", "missing"). See plots/README.md for the placeholders.
#
# Data (@DATA@): one block per series (gnuplot "index i-1"), one row per
# group: group-number group-name value label status.
@COMMON@
# ---- filled in by objmem ----
DATA = '@DATA@'
NAME = '@NAME@'
W = @WIDTH@
H = @HEIGHT@
@DEFS@
# ------------------------------

set title '@TITLE@'
set ylabel '@YLABEL@' textcolor rgb TEXTCOLOR
set xlabel '@XLABEL@' textcolor rgb TEXTCOLOR
NOTE = @NOTE@

BW = 0.84 / NS                            # width of one bar, in groups
x(g, i) = g + (i - (NS + 1) / 2.0) * BW   # centre of bar i in group g

set style fill solid 1.0 border lc rgb TEXTCOLOR
set boxwidth BW
set xrange [-0.5 : NG - 0.5]
set yrange [0 : YMAX]
set xtics scale 0 ()
do for [g = 1:NG] { set xtics add (tic(GROUPS[g]) g - 1) }
if (XTICROT) { set xtics rotate by 30 right offset 0.8, 0 } else { set xtics norotate }
set ytics
set format y "%.0f"

# The legend is drawn here, right of the plot, so that each entry shows
# the colour and the hatching of its bars and never covers one.
unset key
TOP = 1.0 - 56.0 / H
KX = 1.0 - (KEYW + 10.0) / W
set tmargin at screen TOP
set bmargin at screen BOTTOM * 1.0 / H
set rmargin at screen KX - 20.0 / W
ROWH = 22.0 / H
do for [i = 1:NS] {
    y = TOP - (i - 0.5) * ROWH
    set object 2 * i - 1 rect from screen KX, y - 0.32 * ROWH to screen KX + 30.0 / W, y + 0.32 * ROWH \
        fc rgb color(STYLE[i]) fs solid 1.0 border lc rgb TEXTCOLOR front
    set object 2 * i rect from screen KX, y - 0.32 * ROWH to screen KX + 30.0 / W, y + 0.32 * ROWH \
        fc rgb "black" fs transparent pattern pattern(STYLE[i]) noborder front
    set label 100 + i SERIES[i] at screen KX + 38.0 / W, y left front textcolor rgb TEXTCOLOR
}
# the note under the plot: its first line is placed, the others follow
if (NOTELINES > 0) { set label 99 NOTE at screen 8.0 / W, (14.0 + 13.0 * (NOTELINES - 1)) / H \
    left font LABELFONT textcolor rgb GAPCOLOR }

# value labels upright (narrow bars) or level (wide ones)
vlabel(s, up) = (UPRIGHT == up) ? s : ""
# why a bar is missing: the status unless it is "ok"
gap(s) = s eq "ok" ? "" : s

do for [FMT in "@FORMATS@"] {
    eval term(FMT)
    set output NAME . "." . FMT
    plot for [i = 1:NS] DATA index (i - 1) using (x($1, i)):3 with boxes lc rgb color(STYLE[i]) notitle, \
         for [i = 1:NS] DATA index (i - 1) using (x($1, i)):3 with boxes \
             fs transparent pattern pattern(STYLE[i]) noborder lc rgb "black" notitle, \
         for [i = 1:NS] DATA index (i - 1) using (x($1, i)):3:(vlabel(strcol(4), 1)) with labels \
             rotate by 90 left offset 0, 0.4 font LABELFONT textcolor rgb TEXTCOLOR notitle, \
         for [i = 1:NS] DATA index (i - 1) using (x($1, i)):3:(vlabel(strcol(4), 0)) with labels \
             center offset 0, 0.7 font LABELFONT textcolor rgb TEXTCOLOR notitle, \
         for [i = 1:NS] DATA index (i - 1) using (x($1, i)):(0):(gap(strcol(5))) with labels \
             rotate by 90 left offset 0, 0.4 font LABELFONT textcolor rgb GAPCOLOR notitle
    set output
}
