"""Reads an ODS back with odfpy and prints what a reader of the file gets, as JSON.

Usage: /usr/bin/python3 readback.py FILE [MAX_ROWS]
The cells of the first MAX_ROWS rows (default 50) of every sheet are listed with their
ODF value type, value and the data style they are shown with; the rest is counted.
The view settings (frozen rows) and the page set-up come from settings.xml and
styles.xml, read with ElementTree, since odfpy has no model of them.
"""
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

from odf import teletype
from odf.namespaces import TABLENS, OFFICENS, STYLENS
from odf.opendocument import load
from odf.table import Table, TableColumn, TableHeaderRows, TableRow
from odf.text import P

NS = {
    "office": OFFICENS, "style": STYLENS, "table": TABLENS,
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def attr(el, ns, name):
    return el.attributes.get((ns, name))


def data_styles(z):
    """cell style name -> description of its data style ("roc-date", "roc-datetime", "integer")."""
    root = ET.fromstring(z.read("styles.xml"))
    number = {}
    for ds in root.iter("{%s}date-style" % NS["number"]):
        name = ds.get("{%s}name" % STYLENS)
        roc = all(e.get("{%s}calendar" % NS["number"]) == "ROC" for e in ds.iter("{%s}year" % NS["number"]))
        has_time = any(True for _ in ds.iter("{%s}hours" % NS["number"]))
        number[name] = ("roc-" if roc else "") + ("datetime" if has_time else "date")
    for ns in root.iter("{%s}number-style" % NS["number"]):
        number[ns.get("{%s}name" % STYLENS)] = "integer"
    cells = {}
    for st in root.iter("{%s}style" % STYLENS):
        d = st.get("{%s}data-style-name" % STYLENS)
        if d:
            cells[st.get("{%s}name" % STYLENS)] = number.get(d, d)
    return cells, root


def page_setup(styles_root):
    out = {}
    for pl in styles_root.iter("{%s}page-layout" % STYLENS):
        p = pl.find("style:page-layout-properties", NS)
        out[pl.get("{%s}name" % STYLENS)] = {
            "width": p.get("{%s}page-width" % NS["fo"]), "height": p.get("{%s}page-height" % NS["fo"]),
            "orientation": p.get("{%s}print-orientation" % STYLENS),
            "scale_to_x": p.get("{%s}scale-to-X" % STYLENS), "scale_to_y": p.get("{%s}scale-to-Y" % STYLENS)}
    masters = {}
    for mp in styles_root.iter("{%s}master-page" % STYLENS):
        footer = mp.find("style:footer", NS)
        text = "".join(footer.itertext()) if footer is not None else ""
        masters[mp.get("{%s}name" % STYLENS)] = dict(out.get(mp.get("{%s}page-layout-name" % STYLENS), {}),
                                                     footer=text)
    return masters


def frozen(z):
    """sheet name -> (vertical split mode, split row) from settings.xml."""
    root = ET.fromstring(z.read("settings.xml"))
    out = {}
    for tables in root.iter("{%s}config-item-map-named" % NS["config"]):
        if tables.get("{%s}name" % NS["config"]) != "Tables":
            continue
        for entry in tables.findall("config:config-item-map-entry", NS):
            items = {i.get("{%s}name" % NS["config"]): i.text for i in entry.findall("config:config-item", NS)}
            out[entry.get("{%s}name" % NS["config"])] = {
                "mode": int(items.get("VerticalSplitMode", 0)), "row": int(items.get("VerticalSplitPosition", 0))}
    return out


def cell_json(c, styles):
    vt = attr(c, OFFICENS, "value-type")
    style = attr(c, TABLENS, "style-name")
    # A cell's paragraphs are its lines.
    text = "\n".join(teletype.extractText(p) for p in c.getElementsByType(P))
    j = {"t": vt or "empty", "text": text, "style": styles.get(style, style),
         "formula": attr(c, TABLENS, "formula")}
    if vt == "float":
        v = float(attr(c, OFFICENS, "value"))
        j["v"] = int(v) if v.is_integer() else v
    elif vt == "date":
        j["v"] = attr(c, OFFICENS, "date-value")
    elif vt == "string":
        j["v"] = j["text"]
    return j


def main():
    path = sys.argv[1]
    max_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    z = zipfile.ZipFile(path)
    names = z.namelist()
    info0 = z.infolist()[0]
    styles, styles_root = data_styles(z)
    masters = page_setup(styles_root)
    freeze = frozen(z)
    meta = ET.fromstring(z.read("meta.xml")).find("office:meta", NS)
    auto = {}
    content_root = ET.fromstring(z.read("content.xml"))
    for st in content_root.iter("{%s}style" % STYLENS):
        name = st.get("{%s}name" % STYLENS)
        col = st.find("style:table-column-properties", NS)
        if col is not None:
            auto[name] = float(col.get("{%s}column-width" % STYLENS).rstrip("in"))
        if st.get("{%s}master-page-name" % STYLENS):
            auto[name] = st.get("{%s}master-page-name" % STYLENS)
    filters = [dr.get("{%s}target-range-address" % TABLENS) for dr in content_root.iter("{%s}database-range" % TABLENS)]

    doc = load(path)
    out = {
        "first_part": info0.filename, "first_part_stored": info0.compress_type == zipfile.ZIP_STORED,
        "mimetype": z.read("mimetype").decode(), "parts": names,
        "properties": {"title": meta.findtext("dc:title", None, NS), "creator": meta.findtext("dc:creator", None, NS),
                       "created": meta.findtext("meta:creation-date", None, NS),
                       "language": meta.findtext("dc:language", None, NS)},
        "filters": filters, "sheets": [],
    }
    for t in doc.spreadsheet.getElementsByType(Table):
        name = attr(t, TABLENS, "name")
        sheet = {"name": name, "print_ranges": attr(t, TABLENS, "print-ranges"),
                 "page": masters.get(auto.get(attr(t, TABLENS, "style-name")), {}),
                 "frozen": freeze.get(name), "widths": [], "header_rows": 0, "rows": [], "max_row": 0}
        for col in t.getElementsByType(TableColumn):
            n = int(attr(col, TABLENS, "number-columns-repeated") or 1)
            sheet["widths"] += [auto.get(attr(col, TABLENS, "style-name"))] * n
        for hr in t.getElementsByType(TableHeaderRows):
            sheet["header_rows"] += len(hr.getElementsByType(TableRow))
        for row in t.getElementsByType(TableRow):
            repeat = int(attr(row, TABLENS, "number-rows-repeated") or 1)
            cells = []
            for c in row.childNodes:
                if c.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                n = int(attr(c, TABLENS, "number-columns-repeated") or 1)
                cells += [cell_json(c, styles)] * n
            while cells and cells[-1]["t"] == "empty":
                cells.pop()
            sheet["max_row"] += repeat
            for _ in range(min(repeat, max_rows - len(sheet["rows"]))):
                sheet["rows"].append(cells)
        out["sheets"].append(sheet)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
