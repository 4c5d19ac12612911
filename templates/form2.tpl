# 附表2 查調資料登記表 (要點第五點): one unit's log, 10 lines a page, header on every page.
# Format: docs/templates.md. The repeated row's {.field} is the field of line 1..10 of a page.
# 編號 is pre-printed 1..10 on every page, as on the seed; a filled line's {.no} adds its
# registration number (編號 of the register) on a second line.
set title      查調資料登記表
set margin_top 12
set margin_left 12
set margin_right 12
set margin_bottom 10
set font_size  10

page main
text   h=6  size=10 align=left  "附表 2"
text   h=9  size=14 bold tag=h1 align=center "{org}應用勞動部勞工保險局資訊中介服務查調資料登記表"
text   h=7  size=10.5 align=left  "單位：{unit}　　　期間：{period}"
columns 15 19 17 24 17 41 17 17 19
row h=8
  cell rows=2 size=10 "編號"
  cell rows=2 size=10 "申請日期"
  cell span=3 size=10 "查調資料內容"
  cell rows=2 size=10 "查調事由"
  cell rows=2 size=10 leading=1.15 "需要\n資料者"
  cell rows=2 size=10 leading=1.15 "資料\n查詢者"
  cell rows=2 size=10 leading=1.15 "單位主管\n核章"
row h=8
  cell size=10 "姓名"
  cell size=10 "身分證字號"
  cell size=10 "查調項目"
row h=22.5 repeat=10
  cell align=center size=9 min=5 nowrap leading=1.4 "{#}{.no}"
  cell align=center size=9 min=5 nowrap "{.date}"
  cell align=center size=10 min=6 "{.name}"
  cell align=center size=9 min=5 nowrap "{.id}"
  cell align=center size=8.5 min=5 "{.items}"
  cell align=left valign=top size=8.5 min=5 leading=1.2 "{.reason}"
  cell align=center size=9.5 min=6 "{.requester}"
  cell align=center size=9.5 min=6 "{.querier}"
  cell align=center size=8.5 min=5 "{.head}"
text   h=8 size=10 align=right stamp "{signed}　單位主管核章："
footer h=6 size=9 align=center "第 {page} 頁，共 {pages} 頁"
