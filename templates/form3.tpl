# 附表3 查調資料申請表 (要點第五點第三項): one request of another agency.
# Format: docs/templates.md. {s1}..{s5}: one subject line each ("姓名：…　ID：…");
# more subjects than subject_lines continue on the "list" page (list_lines per page).
set title      查調資料申請表
set margin_top 14
set margin_left 18
set margin_right 18
set margin_bottom 12
set font_size  12
set subject_lines 5
set list_lines 25

page main
text   h=6  size=10 align=left  "附表 3"
text   h=16 size=15 bold tag=h1 align=center leading=1.3 "{org}應用勞動部勞工保險局資訊中介服務\n查調資料申請表"
space 3
columns 30 57 30 57
row h=13
  cell align=distribute pad=4 "申請單位"
  cell "{unit}"
  cell align=distribute pad=4 "申請日期"
  cell "{applied_on}"
row h=13
  cell align=distribute pad=4 "申請人"
  cell "{applicant}"
  cell align=distribute pad=4 "職稱"
  cell "{title}"
row h=13
  cell align=distribute pad=4 "聯絡電話"
  cell "{phone}"
  cell align=distribute pad=4 "傳真號碼"
  cell "{fax}"
row h=22
  cell rows=7 align=distribute pad=4 "查調內容"
  cell span=3 noborder valign=top size=11 min=7 "查調事由：{reason}"
row h=9
  cell span=3 noborder "查調筆數：{count} 筆"
row h=9
  cell span=3 noborder "{s1}"
row h=9
  cell span=3 noborder "{s2}"
row h=9
  cell span=3 noborder "{s3}"
row h=9
  cell span=3 noborder "{s4}"
row h=9
  cell span=3 noborder "{s5}"
row h=26
  cell size=11.5 leading=1.4 "業務權責單位\n審核意見"
  cell span=3 valign=top "{review}"
row h=10
  cell align=distribute pad=4 "申請人"
  cell ""
  cell "資料查詢者核章"
  cell ""
row h=22
  cell size=11.5 leading=1.4 "申請人單位\n主管核章"
  cell ""
  cell size=11.5 leading=1.4 "使用單位\n主管核章"
  cell stamp size=9 valign=bottom "{signed}"
space 3
note size=11 leading=1.45 "說明：申請人應表明相關法令依據及釋明該業務執行與申請提供勞保資料之關聯性，若未說明或說明不清，本案將不予受理。"
footer h=6 size=9 align=center "第 {page} 頁，共 {pages} 頁"

page list
text   h=6  size=10 align=left  "附表 3 附件"
text   h=10 size=14 bold tag=h2 align=center "查調資料申請表　查調名單"
text   h=8  size=11 align=left "申請單位：{unit}　　申請日期：{applied_on}　　查調筆數：{count} 筆"
columns 16 60 60 38
row h=9
  cell fill "編號"
  cell fill "姓名"
  cell fill "身分證字號"
  cell fill "備註"
row h=8.6 repeat=25
  cell align=center size=11 "{.no}"
  cell align=center size=12 "{.name}"
  cell align=center size=12 "{.id}"
  cell align=center size=10 "{.note}"
footer h=6 size=9 align=center "第 {page} 頁，共 {pages} 頁"
