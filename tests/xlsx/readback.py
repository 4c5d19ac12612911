"""Reads an XLSX back with openpyxl and prints what a user would see, as JSON.

Usage: /usr/bin/python3 readback.py FILE [MAX_ROWS]
Cells of the first MAX_ROWS rows (default 50) of every sheet are listed with their
Python type, value and number format; everything else is summarised.
"""
import datetime
import json
import re
import sys
import zipfile

import openpyxl


def cell_json(c):
    v = c.value
    if v is None:
        t = "none"
    elif isinstance(v, bool):
        t = "bool"
    elif isinstance(v, int):
        t = "int"
    elif isinstance(v, float):
        t = "float"
    elif isinstance(v, datetime.datetime):
        t = "datetime"
        v = v.isoformat(sep=" ")
    elif isinstance(v, datetime.date):
        t = "date"
        v = v.isoformat()
    elif isinstance(v, str):
        t = "str"
    else:
        t = type(v).__name__
        v = str(v)
    return {"t": t, "v": v, "fmt": c.number_format, "bold": bool(c.font and c.font.b),
            "fill": (c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None),
            "border": bool(c.border and c.border.left and c.border.left.style),
            "wrap": bool(c.alignment and c.alignment.wrap_text)}


def main():
    path = sys.argv[1]
    max_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    wb = openpyxl.load_workbook(path)
    props = wb.properties
    out = {
        "properties": {
            "title": props.title,
            "creator": props.creator,
            "created": props.created.isoformat(sep=" ") if props.created else None,
        },
        "sheets": [],
    }
    raw = zipfile.ZipFile(path)
    for index, ws in enumerate(wb.worksheets):
        # openpyxl drops <ignoredErrors>; read it from the sheet's XML.
        xml = raw.read("xl/worksheets/sheet%d.xml" % (index + 1)).decode("utf-8")
        ignored = re.findall(r'<ignoredError sqref="([^"]+)" numberStoredAsText="1"', xml)
        ps = ws.page_setup
        sheet = {
            "name": ws.title,
            "max_row": ws.max_row,
            "max_column": ws.max_column,
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "print_title_rows": ws.print_title_rows,
            "orientation": ps.orientation,
            "paper_size": int(ps.paperSize) if ps.paperSize is not None else None,
            "fit_to_width": int(ps.fitToWidth) if ps.fitToWidth is not None else None,
            "fit_to_height": int(ps.fitToHeight) if ps.fitToHeight is not None else None,
            "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            "footer": ws.oddFooter.center.text,
            "number_as_text_ignored": ignored,
            "widths": [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
                       for i in range(1, ws.max_column + 1)],
            "rows": [[cell_json(c) for c in row]
                     for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, max_rows))],
        }
        out["sheets"].append(sheet)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
