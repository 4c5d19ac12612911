#!/usr/bin/python3
"""ReportLab canvas version of the benchmark's 附表2 table document (same rows, same font).

usage: reportlab_table.py ROWS.tsv OUT.pdf [FONT.ttf]
Draws what liaudit's form2 template draws: title, unit line, a 9-column grid with the two
header rows, 10 lines a page (wrapped 查調事由, centred cells), "第 X 頁，共 Y 頁".
The static grid and labels are a canvas form (beginForm/doForm), as liaudit uses a Form
XObject, so both sides do the same work per page. Prints CPU and wall seconds.
"""
import resource
import sys
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas


_widths = {}


def wrap(text, size, width):
    """CJK wrapping (break between any two characters), as liaudit does."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = _widths.get(ch)
        if cw is None:
            cw = _widths[ch] = pdfmetrics.stringWidth(ch, "Kai", 1000)
        cw = cw * size / 1000
        if cur and w + cw > width and ch not in "，。、；：！？）」":
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    lines.append(cur)
    return lines


def main():
    tsv, out = sys.argv[1], sys.argv[2]
    font_path = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/fonts/truetype/cns11643/TW-Kai-98_1.ttf"
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    pdfmetrics.registerFont(TTFont("Kai", font_path))
    rows = [line.rstrip("\n").split("\t") for line in open(tsv, encoding="utf-8")]
    W, H = A4
    left, right, top = 12 * mm, 12 * mm, 12 * mm
    cols = [15, 19, 17, 24, 17, 41, 17, 17, 19]
    k = (W - left - right) / (sum(cols) * mm)
    xs = [left]
    for c in cols:
        xs.append(xs[-1] + c * mm * k)
    y_title = H - top - 6 * mm
    grid_top = H - top - (6 + 9 + 7) * mm
    head_h, row_h = 8 * mm, 22.5 * mm
    body_top = grid_top - 2 * head_h
    pages = (len(rows) + 9) // 10
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle("高雄市政府社會局 查調資料登記表")
    c.setAuthor("高雄市政府社會局")
    c.beginForm("grid")
    c.setFont("Kai", 10)
    c.drawString(left, H - top - 4 * mm, "附表 2")
    c.setFont("Kai", 14)
    c.drawCentredString(W / 2, y_title - 6 * mm, "高雄市政府社會局應用勞動部勞工保險局資訊中介服務查調資料登記表")
    c.setFont("Kai", 10.5)
    c.drawString(left + 3, grid_top + 2 * mm, "單位：社會救助科　　　期間：115年7月1日 至 115年9月30日")
    c.setLineWidth(0.6)
    bottom = body_top - 10 * row_h
    for x in xs:
        c.line(x, grid_top, x, bottom)
    c.line(xs[0], grid_top, xs[-1], grid_top)
    c.line(xs[2], grid_top - head_h, xs[5], grid_top - head_h)
    for i in range(11):
        y = body_top - i * row_h
        c.line(xs[0], y, xs[-1], y)
    c.setFont("Kai", 10)
    labels = ["編號", "申請日期", None, None, None, "查調事由", "需要資料者", "資料查詢者", "單位主管核章"]
    for i, lab in enumerate(labels):
        if lab:
            c.drawCentredString((xs[i] + xs[i + 1]) / 2, grid_top - head_h - 3, lab)
    c.drawCentredString((xs[2] + xs[5]) / 2, grid_top - head_h + 8, "查調資料內容")
    for i, lab in zip((2, 3, 4), ("姓名", "身分證字號", "查調項目")):
        c.drawCentredString((xs[i] + xs[i + 1]) / 2, grid_top - 2 * head_h + 8, lab)
    c.setLineWidth(1.2)
    c.rect(xs[0], bottom, xs[-1] - xs[0], grid_top - bottom)
    c.setFont("Kai", 10)
    c.drawRightString(xs[-1], bottom - 6 * mm, "單位主管核章：")
    c.endForm()
    sizes = [9, 9, 10, 9, 8.5, 8.5, 9.5, 9.5, 8.5]
    for p in range(pages):
        c.doForm("grid")
        for li, row in enumerate(rows[p * 10:(p + 1) * 10]):
            ytop = body_top - li * row_h
            for ci, text in enumerate(row):
                size = sizes[ci]
                c.setFont("Kai", size)
                width = xs[ci + 1] - xs[ci] - 6
                lines = []
                for part in text.split("\\n"):
                    lines.extend(wrap(part, size, width) if ci == 5 else [part])
                lh = size * 1.25
                y = ytop - (row_h - lh * len(lines)) / 2 - size * 0.88 if ci != 5 else ytop - 3 - size * 0.88
                for ln in lines:
                    if ci == 5:
                        c.drawString(xs[ci] + 3, y, ln)
                    else:
                        c.drawCentredString((xs[ci] + xs[ci + 1]) / 2, y, ln)
                    y -= lh
        c.setFont("Kai", 9)
        c.drawCentredString(W / 2, 8 * mm, "第 %d 頁，共 %d 頁" % (p + 1, pages))
        c.showPage()
    c.save()
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - t0
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    import os
    print("reportlab pages=%d wall=%.3fs cpu=%.3fs bytes=%d peak_rss_mb=%.1f" %
          (pages, wall, cpu, os.path.getsize(out), c1.ru_maxrss / 1024.0))


if __name__ == "__main__":
    main()
