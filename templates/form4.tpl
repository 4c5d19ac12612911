# 附表4 稽核紀錄表 (要點第八點): one querier and audit. Format: docs/templates.md.
set title      稽核紀錄表
set margin_top 14
set margin_left 18
set margin_right 18
set margin_bottom 12
set font_size  12

page main
text   h=6  size=10 align=left  "附表 4"
text   h=16 size=15 bold tag=h1 align=center leading=1.3 "{org}應用勞動部勞工保險局資訊中介服務查調\n稽核紀錄表"
text   h=9  size=12 align=center "{period}"
space 2
columns 30 57 30 57
row h=13
  cell align=distribute pad=4 "稽核日期"
  cell "{audit_date}"
  cell align=distribute pad=3 "資料查詢者"
  cell "{querier}"
row h=15
  cell align=distribute pad=4 "稽核單位"
  cell "{audit_unit}"
  cell leading=1.3 "稽核單位\n聯絡電話"
  cell "{audit_unit_phone}"
row h=15
  cell align=distribute pad=4 "稽核人員"
  cell "{auditor}"
  cell leading=1.3 "稽核文件\n截止日期"
  cell "{documents_deadline}"
row h=13
  cell align=distribute pad=4 "稽核明細"
  cell span=3 "稽核案件數：計 {cases} 件"
row h=72
  cell align=distribute pad=4 "稽核意見"
  cell span=3 valign=top size=11.5 min=7 "{opinion}"
row h=24
  cell align=distribute pad=3 "資料查詢者"
  cell ""
  cell align=distribute pad=4 "稽核人員"
  cell ""
row h=24
  cell align=distribute pad=2.5 "使用單位主管"
  cell ""
  cell align=distribute pad=2.5 "稽核單位主管"
  cell stamp size=9 valign=bottom "{signed}"
space 3
note size=11 leading=1.5 "說明：\n1. 本稽核紀錄表對資料查詢者不定期稽核。\n2. 請資料查詢者依照規定時間內，將稽核資料依順序附於稽核紀錄表後送至資訊小組。"
