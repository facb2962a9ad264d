# common.gp - the look every objmem figure shares. objmem pastes this file
# into each figure's script (where its template has the COMMON placeholder),
# so every generated script stays standalone. Edit it to restyle all figures at once (see plots/README.md).

set encoding utf8
# Values objmem could not measure are written as NaN (the point or bar is
# left out and a line is broken there); "?" is accepted too when you edit
# a data file by hand.
set datafile missing "?"

# Okabe-Ito, a palette colour-blind readers can tell apart; its black is
# replaced by grey so that the black hatching stays visible on it.
array COLOR[8] = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", \
                  "#0072B2", "#D55E00", "#CC79A7", "#999999"]
# Fill patterns drawn in black over each bar's colour, so bars differ in
# greyscale too (0 none, 1 and 2 cross-hatch, 4 to 7 diagonal lines).
# 7 patterns against 8 colours: the pair differs for the first 56 series.
array PATTERN[7] = [0, 4, 5, 1, 6, 7, 2]
# Lines: dash type and point type change with the colour, for the same reason.
array DASH[5] = [1, 2, 4, 5, 3]
array POINT[11] = [7, 5, 9, 11, 13, 6, 4, 8, 10, 12, 3]

# Tic labels are format strings to gnuplot: a % in a name (pct%d) would be
# read as a conversion. tic(s) doubles every %, so the name shows as it is.
tic(s) = strstrt(s, "%") ? s[1:strstrt(s, "%")] . "%" . tic(s[strstrt(s, "%") + 1:]) : s

color(i) = COLOR[(i - 1) % |COLOR| + 1]
pattern(i) = PATTERN[(i - 1) % |PATTERN| + 1]
dash(i) = DASH[(i - 1) % |DASH| + 1]
point(i) = POINT[(i - 1) % |POINT| + 1]

FONT = "DejaVu Sans,11"
TITLEFONT = "DejaVu Sans,14"
LABELFONT = "DejaVu Sans,9"
TEXTCOLOR = "#222222"
GAPCOLOR = "#555555"

# The terminal for one output format; W and H are the figure's size in
# pixels (PDF: 72 pixels to the inch, so text keeps its size).
term(fmt) = \
    fmt eq "png" ? sprintf("set terminal pngcairo size %d,%d font '%s' noenhanced background rgb 'white'", W, H, FONT) : \
    fmt eq "svg" ? sprintf("set terminal svg size %d,%d font '%s' noenhanced background rgb 'white'", W, H, FONT) : \
    fmt eq "pdf" ? sprintf("set terminal pdfcairo size %.2fin,%.2fin font '%s' noenhanced", W / 72.0, H / 72.0, FONT) : \
    sprintf("print 'unknown output format %s'; exit status 2", fmt)

set border 3 lw 1 lc rgb TEXTCOLOR
set tics nomirror out textcolor rgb TEXTCOLOR
set grid ytics lw 1 lc rgb "#DDDDDD" dt 1 back
set title font TITLEFONT textcolor rgb TEXTCOLOR
