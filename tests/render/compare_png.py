#!/usr/bin/python3
"""Render a PDF with pdftoppm (50 dpi, gray) and compare each page with golden PNGs.

usage: compare_png.py PDF GOLDEN_DIR NAME [--update]
Goldens are GOLDEN_DIR/NAME-<page>.png. A page matches when at most MAX_BAD pixels
differ by more than THRESHOLD gray levels (anti-aliasing noise is below that; a moved
grid line or a different glyph is not). Exit 0 = match, 1 = mismatch, 2 = usage/tool error.
With --update the goldens are (re)written from the PDF: review them before committing.
"""
import glob
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops

THRESHOLD = 64
MAX_BAD = 12


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    pdf, golden_dir, name = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", pdf, os.path.join(tmp, "p")], check=True)
        pages = sorted(glob.glob(os.path.join(tmp, "p-*.png")), key=lambda p: int(p.rsplit("-", 1)[1][:-4]))
        goldens = sorted(glob.glob(os.path.join(golden_dir, name + "-*.png")))
        if update:
            for g in goldens:
                os.remove(g)
            os.makedirs(golden_dir, exist_ok=True)
            for i, p in enumerate(pages, 1):
                Image.open(p).convert("L").save(os.path.join(golden_dir, "%s-%d.png" % (name, i)), optimize=True)
            print("updated %d golden page(s) for %s" % (len(pages), name))
            return 0
        if len(pages) != len(goldens):
            print("%s: %d pages rendered, %d golden pages" % (name, len(pages), len(goldens)))
            return 1
        ok = True
        for i, p in enumerate(pages, 1):
            a = Image.open(p).convert("L")
            b = Image.open(os.path.join(golden_dir, "%s-%d.png" % (name, i))).convert("L")
            if a.size != b.size:
                print("%s page %d: size %s, golden %s" % (name, i, a.size, b.size))
                ok = False
                continue
            diff = ImageChops.difference(a, b).point(lambda v: 255 if v > THRESHOLD else 0)
            bad = diff.histogram()[255]
            if bad > MAX_BAD:
                print("%s page %d: %d pixels differ (max %d), in box %s" % (name, i, bad, MAX_BAD, diff.getbbox()))
                ok = False
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
