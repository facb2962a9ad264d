#!/usr/bin/env python3
"""figcheck.py - checks a figure objmem drew, from its files, the way a
reader would judge it at blog width.

    figcheck.py svg FILE.svg [--min-px 13.3]
        every text is at least --min-px pixels (10 points at 96 per inch),
        lies inside the canvas, and overlaps no other text; prints the
        canvas size and the number of texts
    figcheck.py png FILE.png       prints WIDTH HEIGHT (from the IHDR chunk)
    figcheck.py pdf FILE.pdf       prints the page's WIDTH HEIGHT in points

A text's box is estimated from its font size and its characters (0.5 em
each: DejaVu Sans averages about 0.58, so the estimate errs towards
passing); an overlap of less than a pixel is allowed. Exit 1 with one line
per problem.
"""
import re
import struct
import sys
import zlib
from xml.etree import ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def text_boxes(path):
    """(text, x0, y0, x1, y1, size) of every text gnuplot wrote."""
    root = ElementTree.parse(path).getroot()
    width, height = float(root.get("width")), float(root.get("height"))
    boxes = []

    def walk(node, tx, ty, size, anchor, rotated):
        t = node.get("transform")
        if t:
            m = re.search(r"translate\(([-\d.]+),\s*([-\d.]+)\)", t)
            if m:
                tx, ty = float(m.group(1)), float(m.group(2))
            if "rotate" in t:
                rotated = True
        size = float(node.get("font-size", size or 0)) or size
        anchor = node.get("text-anchor", anchor)
        if node.tag == SVG + "text":
            s = "".join(node.itertext())
            if s.strip():
                w = 0.5 * size * len(s)
                h = size
                if rotated:          # y labels turned by 90 degrees
                    w, h = h, w
                    x0 = tx - 0.75 * w
                    y0 = {"start": ty - h, "middle": ty - h / 2, "end": ty}.get(anchor, ty - h)
                else:
                    x0 = {"start": tx, "middle": tx - w / 2, "end": tx - w}.get(anchor, tx)
                    y0 = ty - 0.75 * h
                boxes.append((s, x0, y0, x0 + w, y0 + h, size))
        for child in node:
            walk(child, tx, ty, size, anchor, rotated)

    walk(root, 0.0, 0.0, 0.0, "start", False)
    return width, height, boxes


def check_svg(path, min_px):
    width, height, boxes = text_boxes(path)
    problems = []
    for s, x0, y0, x1, y1, size in boxes:
        if size < min_px - 0.01:
            problems.append("%s: text '%s' is %.2f px, less than %.2f" % (path, s, size, min_px))
        if x0 < -1 or y0 < -1 or x1 > width + 1 or y1 > height + 1:
            problems.append("%s: text '%s' leaves the %gx%g canvas (%.0f,%.0f to %.0f,%.0f)"
                            % (path, s, width, height, x0, y0, x1, y1))
    for i in range(len(boxes)):
        a = boxes[i]
        for b in boxes[i + 1:]:
            dx = min(a[3], b[3]) - max(a[1], b[1])
            dy = min(a[4], b[4]) - max(a[2], b[2])
            if dx > 1 and dy > 1:
                problems.append("%s: text '%s' overlaps '%s'" % (path, a[0], b[0]))
    for p in problems:
        print(p)
    if not problems:
        print("%g %g %d" % (width, height, len(boxes)))
    return 1 if problems else 0


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        sys.exit("%s: not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def pdf_size(path):
    data = open(path, "rb").read()
    m = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", data)
    if not m:
        # in a compressed object stream
        for s in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
            try:
                m = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)",
                              zlib.decompress(s.group(1)))
            except zlib.error:
                continue
            if m:
                break
    if not m:
        sys.exit("%s: no /MediaBox" % path)
    x0, y0, x1, y1 = (float(v) for v in m.groups())
    return x1 - x0, y1 - y0


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    kind, path = argv[1], argv[2]
    if kind == "svg":
        min_px = float(argv[4]) if len(argv) > 4 and argv[3] == "--min-px" else 40 / 3
        return check_svg(path, min_px)
    if kind == "png":
        print("%d %d" % png_size(path))
        return 0
    if kind == "pdf":
        print("%g %g" % pdf_size(path))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
