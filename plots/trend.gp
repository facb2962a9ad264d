# trend.gp - bytes per object over a series of results files (objmem
# trend): one line per interpreter, workload and count, the results files
# along x, oldest left, each named by its revision label (objmem run
# --label) or else its date. Bars: min..max of the repetitions. A file in
# which a line has no ok repetition leaves a gap in it, never a zero.
#
# Without --detect, a point LARGER than the point before it on its line, by
# the rule of objmem compare, is ringed in red with its change written above
# it; a smaller one is ringed in green with its change below. With
# --detect, each line's fitted levels are drawn thin under it, a step is a
# dashed vertical line where the new level begins, labelled at the top with
# that level and its change, and a suspected step (the newest file alone)
# a dotted one.
#
# Everything that depends on the figure's size is computed below, for each
# output format, from its size and the text: editing PNGW, PDFW, the
# heights or TITLE here re-flows the figure. Tic labels are thinned (every
# XSTEP-th file, counting back from the newest) and turned upright when
# there are more files than fit across. Labels that would overlap another
# are left out; the table (trend.md) has every value.
#
# Data (@DATA@, beside this script): one block per line (gnuplot "index
# i-1"), one row per results file: x median min max level status mark
# change, where level is the fitted level (NaN without --detect), status is
# ok, no-data or missing, mark is 1 (LARGER), -1 (smaller) or 0, and change
# is the change from the point before ("+5.0%") or "-".
@COMMON@
# ---- filled in by objmem ----
DATA = HERE . '@DATA@'
NAME = HERE . '@NAME@'
TITLE = '@TITLE@'
YLABEL = '@YLABEL@'
XLABEL = '@XLABEL@'
PNGW = @WIDTH@     # PNG and SVG: pixels
PNGH = @HEIGHT@    # 0: as tall as the plot, the tics and the legend need
PDFW = @PDFWIDTH@  # PDF: inches
PDFH = @PDFHEIGHT@ # 0: as tall as needed
@DEFS@
# ------------------------------

LARGERCOLOR = "#C0392B"
SMALLERCOLOR = "#1E8449"
larger(m, y) = m > 0 ? y : NaN
smaller(m, y) = m < 0 ? y : NaN

# Sizes in pixels, from the fonts.
PLOTPX = 330                       # the plot's height, when H is 0
PHMIN = 170                        # and at least, whatever H
LEFTPX = textw(8, BODYPT) + em(BODYPT) * 2.2   # y tics and the y label
RIGHTMIN = 24.0                    # right of the plot, at least
KEYROW = em(SMALLPT) * 1.3         # one legend row
LABELROW = em(SMALLPT) * 1.45      # one row of step labels
LABELH = em(SMALLPT)               # a label's height
RINGPX = 22                        # from a ringed point to its label's centre
TICGAP = em(SMALLPT) * 0.7         # between neighbouring tic labels
# the legend: the lines, then what the marks mean (a keyentry with an
# empty title takes no room; one in an empty `for` would)
NKEY = NL + (DETECT ? 2 + (NSUSPECT > 0) : (NLARGER > 0) + (NSMALLER > 0))

set ylabel YLABEL textcolor rgb TEXTCOLOR
unset xlabel    # a label of ours, placed under the tic labels however long they are
set xrange [-0.5 : NX - 0.5]
set format y "%g"
set ytics nomirror
set grid ytics lw 1 lc rgb "#DDDDDD" dt 1 back
# the steps: a dashed line where the new level begins (dotted: suspected)
do for [i = 1:NSTEPS] {
    set arrow i from first STEPX[i], graph 0 to first STEPX[i], graph 1 nohead back \
        lw 1.5 dt 2 lc rgb color(STEPLINE[i])
    if (STEPSUSP[i]) { set arrow i dt 3 }
}
# label boxes placed so far (pixels from the bottom left), to keep them apart
array BX0[NMARKS + NSTEPS + 1]
array BX1[NMARKS + NSTEPS + 1]
array BY0[NMARKS + NSTEPS + 1]
array BY1[NMARKS + NSTEPS + 1]
# FREE = 1 when the box x0..x1, y0..y1 overlaps none placed: `eval fits(...)`
fits(x0, x1, y0, y1) = sprintf("FREE = 1; do for [j = 1:NPLACED] { " . \
    "if (%g < BX1[j] + 4 && %g > BX0[j] - 4 && %g < BY1[j] + 1 && %g > BY0[j] - 1) { FREE = 0 } }", \
    x0, x1, y0, y1)
place(x0, x1, y0, y1) = sprintf("NPLACED = NPLACED + 1; BX0[NPLACED] = %g; BX1[NPLACED] = %g; " . \
    "BY0[NPLACED] = %g; BY1[NPLACED] = %g", x0, x1, y0, y1)

do for [FMT_OUT in "@FORMATS@"] {
    eval size(FMT_OUT)
    eval heading(W)
    TOPPX = TOPTEXTPX
    KEYCOLPX = textw(LABELCHARS, SMALLPT) + 70
    KEYCOLS = int((W - LEFTPX / 2) / KEYCOLPX)
    if (KEYCOLS < 1) { KEYCOLS = 1 }
    if (KEYCOLS > NKEY) { KEYCOLS = NKEY }
    KEYROWS = (NKEY + KEYCOLS - 1) / KEYCOLS
    LEGPX = KEYROWS * KEYROW + em(SMALLPT) * 0.8
    # tic labels: across when every XSTEP-th fits, else upright (narrower);
    # across, the newest one, centred on the last file, may need room right
    # of the plot: then the plot gives it that room, and is laid out again
    RIGHTPX = RIGHTMIN
    do for [pass = 1:2] {
        PLOTW = W - LEFTPX - RIGHTPX
        PER = PLOTW / NX               # pixels per file
        KH = int(ceil((textw(XLABELCHARS, SMALLPT) + TICGAP) / PER))
        KV = int(ceil((LABELH + TICGAP) / PER))
        XROT = KH > 1 && KH > 2 * KV
        XSTEP = XROT ? KV : KH
        NEWESTPX = XROT ? 0 : textw(strlen(XLABELS[NX]), SMALLPT) / 2 - PER / 2 + 4
        if (NEWESTPX > RIGHTPX) { RIGHTPX = NEWESTPX }
    }
    TICPX = XROT ? textw(XLABELCHARS, SMALLPT) + em(SMALLPT) : em(SMALLPT) * 2.3
    XLROW = em(BODYPT) * 1.8           # the x axis's label
    BOTPX = LEGPX + XLROW + TICPX
    if (H <= 0) { H = int(TOPPX + PLOTPX + BOTPX + 0.5) }
    # a height asked for that leaves the plot too short: the title without
    # the note; still too short: as tall as the plot needs
    if (H - TOPPX - BOTPX < PHMIN && NOTELINES > 0) {
        NOTEKEPT = NOTE
        NOTE = ''
        eval heading(W)
        NOTE = NOTEKEPT
        TOPPX = TOPTEXTPX
    }
    if (H - TOPPX - BOTPX < PHMIN) { H = int(TOPPX + PHMIN + BOTPX + 0.5) }
    PH = H - TOPPX - BOTPX             # the plot's height
    MAXROWS = PH >= 260 ? 4 : PH >= 200 ? 2 : 1   # rows of step labels, at most
    xpx(x) = LEFTPX + (x + 0.5) / NX * PLOTW
    set lmargin at screen LEFTPX / W
    set rmargin at screen 1.0 - RIGHTPX / W
    set tmargin at screen 1.0 - TOPPX / H
    set bmargin at screen BOTPX / H
    unset label
    unset object
    eval HEADLABELS    # the title and the note under it, centred
    set label 97 XLABEL at screen (LEFTPX + PLOTW / 2) / W, (LEGPX + XLROW / 2) / H center \
        font FONT textcolor rgb TEXTCOLOR

    set xtics scale 1, 0.5 () nomirror out font LABELFONT textcolor rgb TEXTCOLOR
    do for [k = NX:1:-1] {
        if ((NX - k) % XSTEP == 0) { set xtics add (tic(XLABELS[k]) k - 1) } \
        else { set xtics add ("" k - 1 1) }
    }
    if (XROT) { set xtics rotate by 90 right } else { set xtics norotate center }

    # step labels in rows at the top of the plot, each in the first row
    # where it overlaps no other, the newest first (the gate is about
    # them); right of its line, or left of it near the right edge
    NPLACED = 0
    NROWS = 0
    do for [i = NSTEPS:1:-1] {
        LW = textw(strlen(STEPTEXT[i]), SMALLPT)
        AX = xpx(STEPX[i])
        RIGHT = AX + 4 + LW > W - RIGHTPX
        X0 = RIGHT ? AX - 4 - LW : AX + 4
        DONE = 0
        do for [r = 1:MAXROWS] {
            if (!DONE) {
                YC = H - TOPPX - (r - 0.5) * LABELROW - 3
                eval fits(X0, X0 + LW, YC - LABELH / 2, YC + LABELH / 2)
                if (FREE) {
                    eval place(X0, X0 + LW, YC - LABELH / 2, YC + LABELH / 2)
                    set label 1000 + i STEPTEXT[i] at screen (RIGHT ? AX - 4 : AX + 4) / W, \
                        YC / H font LABELFONT textcolor rgb color(STEPLINE[i]) front
                    # on a white ground, so that the step lines it crosses do not cut it
                    set object 1000 + i rect from screen (X0 - 1) / W, (YC - LABELH / 2) / H \
                        to screen (X0 + LW + 1) / W, (YC + LABELH / 2) / H \
                        fc rgb "white" fs solid 1.0 noborder front
                    if (RIGHT) { set label 1000 + i right } else { set label 1000 + i left }
                    DONE = 1
                    if (r > NROWS) { NROWS = r }
                }
            }
        }
    }
    # the y range: the data, with room above for the step labels, or above
    # and below for the rings' labels
    TOPRES = DETECT ? NROWS * LABELROW + 10 : RINGPX + LABELH / 2 + 6
    BOTRES = DETECT ? 10 : RINGPX + LABELH / 2 + 6
    DLO = YDMIN
    DHI = YDMAX
    if (!(DHI >= DLO)) { DLO = 0; DHI = 1 }
    if (DHI - DLO <= 0) {
        SPAN = abs(DHI) > 0 ? abs(DHI) * 0.02 : 1
        DLO = DLO - SPAN / 2
        DHI = DHI + SPAN / 2
    }
    UPP = (DHI - DLO) / (PH - TOPRES - BOTRES > 40 ? PH - TOPRES - BOTRES : 40)
    YLO = DLO - BOTRES * UPP
    YHI = DHI + TOPRES * UPP
    set yrange [YLO : YHI]
    ypx(y) = BOTPX + (y - YLO) / (YHI - YLO) * PH
    # the rings' changes, above (LARGER) or below (smaller) their ring,
    # kept inside the plot; one that would overlap another is left out
    do for [i = 1:NMARKS] {
        LW = textw(strlen(MARKTEXT[i]), SMALLPT)
        CX = xpx(MARKX[i])
        CX = CX - LW / 2 < LEFTPX ? LEFTPX + LW / 2 : CX
        CX = CX + LW / 2 > W - RIGHTPX ? W - RIGHTPX - LW / 2 : CX
        YC = ypx(MARKY[i]) + MARKDIR[i] * RINGPX
        eval fits(CX - LW / 2, CX + LW / 2, YC - LABELH / 2, YC + LABELH / 2)
        if (FREE && YC - LABELH / 2 > BOTPX && YC + LABELH / 2 < H - TOPPX) {
            eval place(CX - LW / 2, CX + LW / 2, YC - LABELH / 2, YC + LABELH / 2)
            set label 200 + i MARKTEXT[i] at screen CX / W, YC / H center font LABELFONT \
                textcolor rgb (MARKDIR[i] > 0 ? LARGERCOLOR : SMALLERCOLOR) front
        }
    }
    set key at screen LEFTPX / 2 / W, (LEGPX - em(SMALLPT) * 0.3) / H left top horizontal \
        maxcols KEYCOLS Left reverse samplen 2.5 spacing 1.0 font LABELFONT \
        textcolor rgb TEXTCOLOR
    eval term(FMT_OUT)
    set output NAME . "." . FMT_OUT
    plot for [i = 1:NL] DATA index (i - 1) using 1:2:3:4 with yerrorlines \
            lc rgb color(i) dt dash(i) pt point(i) ps 1.2 lw 2 title SERIES[i], \
         for [i = 1:(DETECT ? NL : 0)] DATA index (i - 1) using 1:5 with histeps \
            lc rgb color(i) lw 1 notitle, \
         for [i = 1:(DETECT ? 0 : NL)] DATA index (i - 1) using 1:(larger($7, $2)) \
            with points pt 6 ps 3.2 lw 2.5 lc rgb LARGERCOLOR notitle, \
         for [i = 1:(DETECT ? 0 : NL)] DATA index (i - 1) using 1:(smaller($7, $2)) \
            with points pt 6 ps 3.2 lw 2.5 lc rgb SMALLERCOLOR notitle, \
         keyentry with points pt 6 ps 1.6 lw 2.5 lc rgb LARGERCOLOR \
            title (!DETECT && NLARGER > 0 ? 'LARGER than the point before' : ''), \
         keyentry with points pt 6 ps 1.6 lw 2.5 lc rgb SMALLERCOLOR \
            title (!DETECT && NSMALLER > 0 ? 'smaller than the point before' : ''), \
         keyentry with lines lw 1 lc rgb GAPCOLOR title (DETECT ? 'levels fitted' : ''), \
         keyentry with lines lw 1.5 dt 2 lc rgb GAPCOLOR \
            title (DETECT ? 'step: a new level from here' : ''), \
         keyentry with lines lw 1.5 dt 3 lc rgb GAPCOLOR \
            title (DETECT && NSUSPECT > 0 ? 'suspected: the newest file alone' : '')
    set output
}
