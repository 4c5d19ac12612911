# 附表1 資料查詢者權限申請表 (要點第二點). Format: docs/templates.md.
# Lengths in millimetres; column widths are scaled to the width between the margins.
# The blocks add up to 273 mm, so the note under the grid ends above the 12 mm bottom margin.
set title      資料查詢者權限申請表
set margin_top 12
set margin_left 18
set margin_right 18
set margin_bottom 12
set font_size  12

page main
text   h=6  size=10 align=left  "附表 1"
text   h=16 size=15 bold tag=h1 align=center leading=1.3 "{org}應用勞動部勞工保險局資訊中介服務系統\n資料查詢者權限申請表"
space 2
text   h=6  size=11 align=right "表單編號：{form_no}"
text   h=6  size=11 align=right "申請日期：{applied_on}"
space 1
columns 24 26 40 28 56
row h=13
  cell align=distribute pad=3 "申請單位"
  cell span=2 "{unit}"
  cell align=distribute pad=3 "職稱及姓名"
  cell "{title_name}"
row h=13
  cell align=distribute pad=3 "申請事項"
  cell span=4 "{a_grant} 新增權限　　{a_revoke} 註銷權限　　{a_items} 異動查調項目　　{a_job} 職務異動"
row h=18
  cell align=distribute pad=3 "申請事由"
  cell span=4 valign=top min=8 "{reason}"
row h=10
  cell rows=4 align=center "申請人"
  cell span=2 align=distribute pad=4 "身分證字號"
  cell span=2 "{national_id}"
row h=10
  cell span=2 align=distribute pad=4 "聯絡電話"
  cell span=2 "{phone}"
row h=10
  cell span=2 "e-mail"
  cell span=2 "{email}"
row h=10
  cell span=2 align=distribute pad=4 "E 政府帳號"
  cell span=2 "{account}"
row h=9
  cell span=5 fill "請勾選申請查調服務項目"
row h=38
  cell span=3 valign=middle leading=1.55 pad=3 "{s_C0101} C0101 被保險人投保資料\n{s_B0101} B0101 給付簡要資料\n{s_B0201} B0201 給付明細資料\n{s_B0301} B0301 失業給付資格\n{s_P0301} P0301 勞工提繳退休金異動資料"
  cell span=2 valign=middle leading=1.55 pad=3 "{s_N0101} N0101 國民年金給付資料\n{s_T0101} T0101 老年農民福利津貼發放查詢\n{s_B0401} B0401 勞保年金給付資料查詢\n{s_P0401} P0401 勞退請領資料查詢\n{s_other} 其他{other_items}"
row h=29
  cell span=5 tag=td size=10.5 align=left valign=middle leading=1.45 pad=2.5 "申請時，除已詳讀並熟悉個人資料保護法規定，並依本要點規定進行資料查詢作業外，需符合下列作業系統及工具：\n1. Windows XP/ WIN7/WIN10 使用 IE8 以上瀏覽器軟體。\n2. 需有自然人憑證，且已開通，並於 E 政府平台完成憑證上傳作業。\n3. 有讀卡機。"
row h=9
  cell span=3 "申請人"
  cell span=2 "權限管理者核章"
row h=27
  cell span=3 align=center "{applicant_sign}"
  cell span=2 size=10.5 min=8 align=left valign=middle leading=1.5 "擬 {d_ok} 准予申請（生效日期：{effective_on}）\n　 {d_no} 不同意，原因，{reject_reason}\n　 {d_other} 其他：{other_decision}\n{manager}"
row h=9
  cell span=3 "申請使用單位主管核章"
  cell span=2 "權限管理單位主管核章"
row h=22
  cell span=3 align=center "{unit_head}"
  cell span=2 align=center stamp leading=1.5 "{manager_head}{signed_nl}"
space 2
note size=10.5 "*本申請表請填寫核章後，送本局秘書室資訊小組（07-3343259）開通系統使用權限。"
