#include "jobs/context.h"

#include "core/digest.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/twid.h"
#include "jobs/chain.h"
#include "jobs/csv_out.h"
#include "jobs/progress.h"
#include "jobs/spreadsheets.h"
#include "liaudit_version.h"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace liaudit::jobs {

namespace {

// A written PDF ends with "%%EOF" within its last 1024 bytes (ISO 32000-1, 7.5.5). The
// renderer's file writes are buffered and their failure (full disk, file size limit) is
// not reported, so a truncated file would otherwise pass as a finished document (and,
// unsigned, end up in a folder that looks complete).
Status CheckPdfComplete(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::IoError(path + ": cannot read the PDF just written");
  std::streamoff size = in.tellg();
  std::streamoff tail = std::min<std::streamoff>(size, 1024);
  std::string end(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(end.data(), tail);
  if (!in || end.find("%%EOF") == std::string::npos)
    return Status::IoError(path + ": the PDF was not completely written (" + std::to_string(size) +
                           " bytes, no end-of-file marker): is the disk full or the file size limited?");
  return Status::OK();
}

}  // namespace

std::string JobContext::NameFile(const std::string& dir, const std::string& prefix, const std::string& value,
                                 const std::string& extension) {
  FileNamer& namer = namers_[dir];
  std::string name = namer.Name(prefix, value, extension);
  std::string path = (fs::path(dir) / name).string();
  if (namer.renamed().count(name)) renamed_[path] = value;
  return path;
}

std::string JobContext::InternalMask() const {
  return leaves_bureau || opts.output.mask_internal ? opts.output.id_mask : "";
}

sign::SignerConfig SignerConfigFrom(const SigningOptions& s) {
  sign::SignerConfig sc;
  sc.pkcs12_path = s.pkcs12;
  sc.password_env = s.password_env;
  sc.password_file = s.password_file;
  sc.cades = s.subfilter != "pkcs7";
  sc.token.module = s.pkcs11_module;
  sc.token.token = s.pkcs11_token;
  sc.token.key = s.pkcs11_key;
  sc.token.pin_env = s.pin_env;
  sc.token.pin_file = s.pin_file;
  sc.chain_file = s.chain_file;
  if (!sign::ParseLevel(s.level, &sc.level)) sc.level = sign::Level::kB_B;
  sc.tsa.url = s.tsa_url;
  sc.tsa.ca_file = s.tsa_ca_file.empty() ? s.trust_anchors : s.tsa_ca_file;
  sc.tsa.auth_file = s.tsa_auth_file;
  sc.tsa.policy = s.tsa_policy;
  sc.tsa.attempts = s.tsa_attempts;
  sc.http_timeout_seconds = s.http_timeout;
  sc.crl_files = s.crl_files;
  sc.anchor_files = {s.trust_anchors, s.tsa_ca_file};
  sc.tsa_fallback = s.on_tsa_failure == "B-B";
  sc.revocation_fallback = s.on_revocation_failure == "B-T";
  return sc;
}

JobContext::JobContext(const JobOptions& o, std::string k, std::string w)
    : opts(o), log(k), kind(std::move(k)), what(std::move(w)) {}

Status JobContext::Start(const std::string& params_json) {
  std::error_code ec;
  fs::create_directories(opts.output_dir, ec);
  if (ec) return Status::IoError(opts.output_dir + ": cannot create the output folder: " + ec.message());
  fs::permissions(opts.output_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  log.TeeTo((fs::path(opts.output_dir) / "liaudit.log").string());
  log.Line("start " + what);

  if (opts.signing.enabled && kind != "ingest") {
    if (opts.signing.pkcs12.empty() && opts.signing.pkcs11_module.empty())
      return Status::Usage("no signing key configured (signing.pkcs11_module for a card or HSM, or signing.pkcs12, "
                           "in liaudit.ini or on the command line); pass --unsigned to write unsigned documents on purpose");
    log.Begin("load signer");
    Status st = sign::Signer::Load(SignerConfigFrom(opts.signing), &signer);
    if (!st.ok()) return st.Prepend("signing certificate");
    log.Done("signer " + signer->SubjectCommonName() + ", " + signer->KeySource() + ", PAdES " +
             sign::LevelName(signer->level()));
    for (const std::string& w : signer->warnings()) {
      log.Line("warning: " + w);
      warnings_.push_back("signing: " + w);
    }
  }

  LIAUDIT_RETURN_IF_ERROR(lock_.Acquire(opts.db_path, what, opts.lock_wait_seconds));
  log.Begin("open store");
  LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts.db_path, &store));
  log.Done(opts.db_path);
  LIAUDIT_RETURN_IF_ERROR(SettleInterruptedJobs());
  job.kind = kind;
  job.params_json = params_json;
  return store->BeginJob(&job);
}

Status JobContext::SettleInterruptedJobs() {
  std::vector<store::JobRecord> jobs;
  LIAUDIT_RETURN_IF_ERROR(store->ListJobs(&jobs));
  for (store::JobRecord& j : jobs) {
    if (j.status != "running") continue;
    // Finished means: its folder holds a readable manifest that names this job.
    std::string manifest_sha;
    if (!j.output_dir.empty()) {
      const std::string m = (fs::path(j.output_dir) / "manifest.json").string();
      int64_t id = 0;
      try {
        std::ifstream in(m);
        if (in) id = ordered_json::parse(in).at("job").at("id").get<int64_t>();
      } catch (const std::exception&) {
        id = 0;  // unreadable: not this job's
      }
      if (id == j.id && !Sha256OfFile(m, &manifest_sha).ok()) manifest_sha.clear();
    }
    j.status = manifest_sha.empty() ? "interrupted" : "ok";
    j.manifest_sha256 = manifest_sha;
    j.finished = NowLocal();
    LIAUDIT_RETURN_IF_ERROR(store->FinishJob(j));
    log.Line("job " + std::to_string(j.id) + " (" + j.kind + ") did not record its end (killed, or its store "
             "could not be written) " +
             (manifest_sha.empty() ? std::string("before it finished: recorded as interrupted")
                                   : "after its folder " + j.output_dir + " was complete: recorded as finished"));
  }
  return Status::OK();
}

Status JobContext::BeginFolder(const std::string& final_dir, std::unique_ptr<JobFolder>* out) {
  LIAUDIT_RETURN_IF_ERROR(JobFolder::Begin(final_dir, out));
  job.output_dir = (*out)->final_dir();
  return store->SetJobOutputDir(job.id, job.output_dir);
}

Status JobContext::Ingest(LocalTime as_of) {
  log.Begin("ingest");
  LIAUDIT_RETURN_IF_ERROR(store->IngestDirectory(opts.input_dir, as_of, &ingest));
  // The bulk work is done: from here on the job holds its dataset, documents and workbooks
  // in memory, and the store only streams (docs/benchmarks.md "Whole quarterly job at scale").
  LIAUDIT_RETURN_IF_ERROR(store->UseLittleMemory());
  long skipped = 0;
  for (const auto& f : ingest.files) {
    if (f.already_ingested) ++skipped;
    if (!f.error.empty()) warnings_.push_back("input file rejected: " + f.error);
    for (const auto& a : f.header_aliases) log.Line(f.path + ": header " + a);
  }
  // A file liaudit does not read is named in the log and the manifest (inputs_not_read);
  // inside platform/, registers/ or calendar/ it is also a warning (it was meant as input).
  for (const auto& f : ingest.ignored) {
    log.Line("not read: " + f.path + ": " + f.reason);
    if (f.in_input_folders) warnings_.push_back("input file not read: " + f.path + ": " + f.reason);
  }
  log.Done(std::to_string(ingest.files.size()) + " files (" + std::to_string(skipped) + " already ingested), taken " +
           std::to_string(ingest.taken) + ", duplicates " + std::to_string(ingest.duplicates) + ", conflicts " +
           std::to_string(ingest.conflicts) + ", rejected " + std::to_string(ingest.rejected));
  // Where each input problem is (outputs.md): `ingest` prints every one itself; a report
  // job names the first ones here and leaves the full list to its rejects.csv. Before the
  // registers are checked: a register refused for its rows shows why.
  if (kind != "ingest") {
    constexpr size_t kShown = 20;
    for (size_t i = 0; i < ingest.rejects.size() && i < kShown; ++i) {
      const Reject& r = ingest.rejects[i];
      log.Line("rejected " + Location(r.file, r.line, r.column) + ": " + r.reason);
    }
    if (ingest.rejects.size() > kShown)
      log.Line("... and " + std::to_string(ingest.rejects.size() - kShown) +
               " more rejected rows: rejects.csv in the output folder lists every one");
  }
  if (kind != "ingest") LIAUDIT_RETURN_IF_ERROR(CheckRegisters());
  return Status::OK();
}

namespace {

const char* RegisterLabelZh(InputKind k) {
  switch (k) {
    case InputKind::kPermissions: return "資料查詢者權限申請表（附表1）";
    case InputKind::kRegistrations: return "查調資料登記表（附表2）";
    case InputKind::kRequests: return "查調資料申請表（附表3）";
    case InputKind::kStaff: return "人員異動名冊";
    default: return "";
  }
}

}  // namespace

Status JobContext::CheckRegisters() {
  // Every required register this job cannot rely on, named in one message.
  std::vector<std::string> missing;
  std::error_code ec;
  for (InputKind k : {InputKind::kPermissions, InputKind::kRegistrations, InputKind::kRequests, InputKind::kStaff}) {
    const std::string name = InputKindName(k);
    store::Store::RegisterHistory h;
    LIAUDIT_RETURN_IF_ERROR(store->RegisterHistoryOf(k, &h));
    const bool required = std::find(opts.required_registers.begin(), opts.required_registers.end(), name) !=
                          opts.required_registers.end();
    const std::string expected = (fs::path(opts.input_dir) / "registers" / (name + ".csv")).string();
    if (required && h.files_taken == 0) {
      std::string why;
      for (const auto& f : ingest.files)
        if (f.kind == name && !f.error.empty()) why += "; this run rejected it: " + f.error;
      // registers/ under another case (Registers/, made where names ignore case) is the likely cause.
      for (const auto& e : fs::directory_iterator(opts.input_dir, ec)) {
        const std::string n = e.path().filename().string();
        if (n != "registers" && AsciiLower(n) == "registers" && e.is_directory(ec))
          why += "; " + (fs::path(opts.input_dir) / n).string() + "/ is there, but folder names are case-sensitive: "
                 "rename it to registers/";
      }
      ec.clear();
      missing.push_back("the " + name + " register has never been ingested: put it in " + expected + " (inputs.md)" +
                        why);
      continue;
    }
    // Ingested before, but no file of it this run (deleted, moved, a link to a share not
    // mounted): the job goes on with the newest snapshot, and says so.
    if (h.files_taken > 0 && std::none_of(ingest.files.begin(), ingest.files.end(),
                                          [&](const auto& f) { return f.kind == name; })) {
      const std::string when = h.latest_ingested == kNoTime ? std::string("an earlier run")
                                                            : FormatIsoTime(h.latest_ingested).substr(0, 10);
      const std::string w = "the " + name + " register file is missing this run (" + expected +
                            "); using the snapshot of " + when + " (" + h.latest_path + ")";
      log.Line(w);
      warnings_.push_back(w);
    }
    // A register that has only ever been a header (or whose every row was rejected) says
    // nothing: as good as missing, unless an earlier snapshot held rows (then it is the
    // page-1 notice below: the register has emptied).
    // 附表3 is the exception: a header alone is a period in which no district office asked
    // for a query, which is lawful; it gets a page-1 notice, not a failure.
    if (required && h.most_rows_held == 0 && k == InputKind::kRequests && h.latest_rows <= 0) {
      warnings_.push_back("the requests register (" + h.latest_path + ") has a header and no rows: no district office "
                         "request (附表3) is on record; if there were some, the file is incomplete");
      checked_.notices_zh.push_back(std::string(RegisterLabelZh(k)) + "（" + h.latest_path +
                           "）僅有標題列、無任何申請資料；如本期確有區公所申請，請確認該檔案是否完整。");
      continue;
    }
    if (required && h.most_rows_held == 0) {
      missing.push_back(
          "the " + name + " register has never been ingested with a data row: " + h.latest_path +
          (h.latest_rows <= 0 ? std::string(" has a header and no rows")
                              : " has " + std::to_string(h.latest_rows) + " rows and every one was rejected (see the "
                                "rejected rows above)") +
          "; fill it in (inputs.md)");
      continue;
    }
    // A snapshot that lost more than half of its rows is most likely a file cut short or an
    // export of one unit only: every report says so on its first page until the next one.
    if (h.previous_rows > 0 && h.latest_rows * 2 < h.previous_rows) {
      warnings_.push_back("the " + name + " register shrank by more than half since its previous snapshot (" +
                         std::to_string(h.previous_rows) + " rows, then " + std::to_string(h.latest_rows) + " in " +
                         h.latest_path + "): check that the file is complete");
      checked_.notices_zh.push_back(std::string(RegisterLabelZh(k)) + "最新快照（" + h.latest_path + "）僅 " +
                           std::to_string(h.latest_rows) + " 列，較前次快照之 " + std::to_string(h.previous_rows) +
                           " 列減少逾半；請確認該檔案是否完整，以免本報告依不完整之登記資料判斷。");
    } else if (h.latest_rows == 0 && h.most_rows_held > 0) {
      // Emptied in an earlier snapshot and still empty: no "shrink" left to see, but the same
      // warning is due on every report until the register holds rows again.
      warnings_.push_back("the " + name + " register has no data rows in its newest snapshot (" + h.latest_path +
                         "), though an earlier one held " + std::to_string(h.most_rows_held) +
                         ": check that the file is complete");
      checked_.notices_zh.push_back(std::string(RegisterLabelZh(k)) + "最新快照（" + h.latest_path + "）無任何資料列，先前快照曾有 " +
                           std::to_string(h.most_rows_held) + " 列；請確認該檔案是否完整，以免本報告依不完整之登記資料判斷。");
    }
  }
  if (missing.empty()) return Status::OK();
  std::string msg;
  for (const std::string& m : missing) msg += (msg.empty() ? "" : "; ") + m;
  const bool several = missing.size() > 1;
  return Status::InvalidInput(
      (several ? std::to_string(missing.size()) + " required registers are missing: " : std::string()) + msg +
      ". Without " + (several ? "them" : "it") + " this job would report every query against a register it has not "
      "seen. To run without one on purpose, leave it out of ingest.required_registers");
}

Status JobContext::Check(const Period& period) {
  RuleOptions ro = opts.rules;
  ro.id_mask = opts.output.id_mask;
  if (ro.legal_bases.empty()) {
    Status st = rules::LoadLegalBases(opts.legal_bases_file, &ro.legal_bases);
    if (!st.ok()) return st.Prepend("legal bases (rules.legal_bases)");
  }
  log.Begin("load dataset");
  Dataset& ds = checked_.ds;
  long& queries_checked = checked_.queries_checked;
  LIAUDIT_RETURN_IF_ERROR(store->LoadDataset(period, ro, &ds));
  queries_checked = 0;
  rules::AccountScope in_scope(ds);
  for (const DsQuery& q : ds.queries)
    if (ds.InPeriod(q) && in_scope(q.account)) ++queries_checked;
  log.Done(std::to_string(ds.queries.size()) + " queries loaded, " + std::to_string(queries_checked) + " in period");

  log.Begin("rules");
  rules::RuleOutput& checked = checked_.rules;
  LIAUDIT_RETURN_IF_ERROR(rules::RunRules(ds, ro, &checked));
  log.Done(std::to_string(checked.findings.size()) + " findings");
  for (const auto& s : checked.skipped) warnings_.push_back("check " + s.rule_id + " skipped: " + s.reason);
  // A work day without a single query is most likely a day whose platform export has not
  // arrived: say so (the job still completes), so that the day is checked again later.
  // (A nightly has no account filter, so queries_checked counts every query of the day.)
  if (period.kind == JobKind::kNightly && queries_checked == 0 && rules::IsWorkDay(ds, period.from)) {
    warnings_.push_back("no platform query of " + FormatIsoDate(period.from) +
                       " is in the store: if that day's platform export has not arrived yet, run this nightly "
                       "again when it has");
    checked.notes.push_back({"", "no platform query of the day in the store",
                             "本日（工作日）無任何平臺查詢紀錄；如平臺匯出檔尚未送達，請於送達後重新執行本日檢查"});
    checked_.notices_zh.push_back("本日為工作日，但系統中無任何本日之平臺查詢紀錄，平臺匯出檔可能尚未送達。"
                         "以下「本期無異常」及各規則件數為 0，不代表本日查調均屬正常；"
                         "請於匯出檔送達後重新執行本日檢查。");
  }
  // The same for every day of a longer period: a document must not certify days whose
  // queries it never saw (the 附表4 opinion and the manifest name them).
  std::vector<Date>& days_without_export = checked_.days_without_export;
  days_without_export.clear();
  std::set<Date> covered;
  for (const DsQuery& q : ds.queries)
    if (ds.InPeriod(q)) covered.insert(DateOf(q.time));
  for (Date d = period.from; d <= period.to; ++d)
    if (!covered.count(d) && rules::IsWorkDay(ds, d)) days_without_export.push_back(d);
  if (period.kind != JobKind::kNightly && !days_without_export.empty()) {
    std::string days;
    for (size_t i = 0; i < days_without_export.size() && i < 5; ++i)
      days += (i ? ", " : "") + FormatIsoDate(days_without_export[i]);
    if (days_without_export.size() > 5) days += ", ...";
    warnings_.push_back("no platform export covers " + std::to_string(days_without_export.size()) +
                       " work day(s) of the period (" + days + "): their queries were not checked");
  }
  checked_run_ = true;

  std::vector<PermissionRecord> perms;
  LIAUDIT_RETURN_IF_ERROR(store->AllPermissions(&perms));
  for (const auto& p : perms) {
    if (p.decision != Decision::kApproved) continue;
    documents::Person& who = checked_.people[p.account];
    if (!p.name.empty()) who.name = p.name;
    if (!p.unit.empty()) who.unit = p.unit;
  }
  std::vector<StaffRecord> staff;
  LIAUDIT_RETURN_IF_ERROR(store->Staff(&staff));
  for (const auto& s : staff) {
    documents::Person& who = checked_.people[s.account];
    if (who.name.empty()) who.name = s.name;
    if (who.unit.empty()) who.unit = s.unit;
  }
  Status st = documents::LoadWording(opts.templates_dir, &wording_);
  if (!st.ok()) return st.Prepend("the documents' wording (templates)");
  return Status::OK();
}

Status JobContext::Engine(render::Engine** out) {
  if (!engine_) {
    render::RenderOptions ro;
    ro.fonts_config = opts.fonts_config;
    ro.templates_dir = opts.templates_dir;
    render::ParsePdfA(opts.pdfa, &ro.pdfa);  // checked by the command line
    ro.icc_profile = opts.icc_profile;
    ro.tagged = opts.tagged;
    ro.author = opts.output.organisation;
    ro.creation_time = opts.fixed_clock;
    log.Begin("load fonts");
    LIAUDIT_RETURN_IF_ERROR(render::Engine::Create(ro, &engine_));
    log.Done();
  }
  *out = engine_.get();
  return Status::OK();
}

Status JobContext::RunRenderTasks(const std::vector<RenderTask>& tasks) {
  if (tasks.empty()) return Status::OK();
  render::Engine* first;
  LIAUDIT_RETURN_IF_ERROR(Engine(&first));
  size_t workers = std::max(1u, std::thread::hardware_concurrency());
  // With timestamps a worker spends part of each document waiting for the TSA's answer
  // (one connection, one request at a time): two more workers keep the cores busy meanwhile.
  if (signer && signer->level() >= sign::Level::kB_T) workers += 2;
  workers = std::min({workers, size_t{8}, tasks.size()});
  while (worker_engines_.size() + 1 < workers) {
    render::RenderOptions ro = first->options();
    std::unique_ptr<render::Engine> e;
    LIAUDIT_RETURN_IF_ERROR(render::Engine::Create(ro, &e));
    worker_engines_.push_back(std::move(e));
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  Progress progress(opts.progress, "  rendering and signing", tasks.size());
  std::vector<Status> results(workers);
  auto work = [&](size_t w) {
    render::Engine& engine = w == 0 ? *first : *worker_engines_[w - 1];
    for (size_t i = next++; i < tasks.size() && !failed; i = next++) {
      Status st = tasks[i](engine);
      progress.Tick();
      if (!st.ok()) {
        results[w] = st;
        failed = true;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (const Status& st : results)
    if (!st.ok()) return st;
  return Status::OK();
}

documents::BuildOptions JobContext::Build() const {
  documents::BuildOptions b;
  b.organisation = opts.output.organisation;
  b.report_mask = opts.output.id_mask;
  b.internal_mask = InternalMask();
  b.signer = signer ? signer->SubjectCommonName() : "";
  b.now = NowLocal();
  b.review_report_days = opts.rules.review_report_days;
  b.audit_unit = opts.output.audit_unit;
  b.audit_unit_phone = opts.output.audit_unit_phone;
  b.auditor = opts.output.auditor;
  return b;
}

Status JobContext::PublishBook(const std::string& stem, const sheet::Book& book) {
  return WriteSpreadsheets(opts.output, stem, book);
}

Status JobContext::PublishPdf(const std::string& path, const render::PdfResult& r, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(warnings_mu_);
    for (const auto& w : r.warnings) warnings_.push_back(w);
  }
  LIAUDIT_RETURN_IF_ERROR(CheckPdfComplete(path));
  if (!signer) return Status::OK();
  sign::SignRequest req;
  req.reason = reason;
  req.location = opts.signing.location;
  if (r.has_stamp) {
    req.visible = true;
    req.page = r.stamp_page - 1;  // the engine counts pages from 1, the signer from 0
    req.x = r.stamp_x;
    req.y = r.stamp_y;
    req.w = r.stamp_w;
    req.h = r.stamp_h;
  }
  Status st = sign::SignPdfFile(*signer, path, req);
  if (!st.ok()) st.Prepend("signing " + fs::path(path).filename().string());
  return st;
}

Status JobContext::Finish(JobFolder* folder, const std::string& params_json) {
  const std::vector<Finding>& findings = checked_.findings();
  LIAUDIT_RETURN_IF_ERROR(WriteFileAtomic(folder->PathFor("findings.csv"), FindingsCsv(findings, opts.output.id_mask)));
  LIAUDIT_RETURN_IF_ERROR(WriteFileAtomic(folder->PathFor("rejects.csv"), RejectsCsv(ingest.rejects, InternalMask())));

  if (checked_run_) {
    log.Begin("store findings");
    LIAUDIT_RETURN_IF_ERROR(store->SaveFindings(job.id, findings));
    log.Done(std::to_string(findings.size()));
  }
  // The manifest records the findings as the store now holds them (read back, so that
  // `verify --chain` compares like with like) and the follow-up log's head: a later hand
  // edit of either shows against the signed manifest.
  std::vector<Finding> saved;
  LIAUDIT_RETURN_IF_ERROR(store->LoadFindings(job.id, &saved));
  store::Store::LogHead followup_log;
  LIAUDIT_RETURN_IF_ERROR(store->FollowUpLogHead(&followup_log));

  ordered_json m;
  m["liaudit_version"] = LIAUDIT_VERSION;
  m["job"] = {{"id", job.id}, {"kind", kind}, {"description", what}};
  m["parameters"] = ordered_json::parse(params_json.empty() ? "{}" : params_json);
  m["generated_at"] = FormatIsoTime(NowLocal()) + "+08:00";
  ordered_json settings;
  settings["registration_window_days"] = opts.rules.registration_window_days;
  settings["office_hours"] = FormatClock(opts.rules.office_start).substr(0, 5) + "-" + FormatClock(opts.rules.office_end).substr(0, 5);
  settings["daily_query_limit"] = opts.rules.daily_query_limit;
  settings["shared_ip_minutes"] = opts.rules.shared_ip_minutes;
  settings["backfill_grace_days"] = opts.rules.backfill_grace_days;
  settings["dormant_days"] = opts.rules.dormant_days;
  settings["review_report_days"] = opts.rules.review_report_days;
  settings["self_query_check"] = opts.rules.self_query_check;
  settings["id_mask"] = opts.output.id_mask;
  m["settings"] = settings;

  ordered_json inputs = ordered_json::array();
  for (const auto& f : ingest.files) {
    ordered_json i = {{"path", f.path},      {"kind", f.kind},         {"sha256", f.sha256},
                      {"bytes", f.bytes},    {"encoding", f.encoding}, {"rows_read", f.rows_read},
                      {"taken", f.taken},    {"duplicates", f.duplicates}, {"conflicts", f.conflicts},
                      {"rejected", f.rejected}, {"already_ingested", f.already_ingested}};
    if (!f.error.empty()) i["error"] = f.error;
    if (!f.header_aliases.empty()) i["header_aliases"] = f.header_aliases;
    inputs.push_back(i);
  }
  m["inputs"] = inputs;
  ordered_json ignored = ordered_json::array();
  for (const auto& f : ingest.ignored) ignored.push_back({{"path", f.path}, {"reason", f.reason}});
  m["inputs_not_read"] = ignored;

  ordered_json counts;
  counts["rows_taken"] = ingest.taken;
  counts["duplicates"] = ingest.duplicates;
  counts["conflicts"] = ingest.conflicts;
  counts["rejected_rows"] = static_cast<long>(ingest.rejects.size());
  counts["queries_checked"] = checked_.queries_checked;
  counts["findings"] = static_cast<long>(findings.size());
  ordered_json by_rule = ordered_json::object();
  for (const auto& f : findings) by_rule[f.rule_id] = by_rule.value(f.rule_id, 0) + 1;
  counts["findings_by_rule"] = by_rule;
  m["counts"] = counts;
  m["findings_sha256"] = FindingsDigest(saved);
  m["followup_log"] = {{"entries", followup_log.entries}, {"sha256", followup_log.sha256}};

  ordered_json skipped = ordered_json::array();
  for (const auto& s : checked_.rules.skipped) skipped.push_back({{"rule", s.rule_id}, {"reason", s.reason}});
  m["skipped_checks"] = skipped;
  ordered_json notes = ordered_json::array();
  for (const auto& s : checked_.rules.notes) notes.push_back({{"rule", s.rule_id}, {"note", s.reason}});
  m["check_notes"] = notes;
  ordered_json uncovered = ordered_json::array();
  for (Date d : checked_.days_without_export) uncovered.push_back(FormatIsoDate(d));
  m["days_without_platform_export"] = uncovered;
  std::sort(warnings_.begin(), warnings_.end());  // documents are rendered in parallel
  m["warnings"] = warnings_;
  m["signing"] = {{"signed", signer != nullptr},
                  {"signer", signer ? signer->SubjectCommonName() : std::string()},
                  {"subfilter", signer ? (opts.signing.subfilter == "pkcs7" ? "adbe.pkcs7.detached" : "ETSI.CAdES.detached") : ""},
                  {"manifest_signature", signer ? sign::kManifestSignatureFile : ""}};
  if (signer) {
    sign::SignerStats st = signer->Stats();
    m["signing"]["level"] = sign::LevelName(signer->level());
    m["signing"]["level_asked"] = opts.signing.level;
    m["signing"]["key"] = signer->KeySource();
    m["signing"]["tsa"] = signer->TsaUrl();
    m["signing"]["revocation"] = signer->RevocationSources();
    m["signing"]["warnings"] = signer->warnings();
    m["signing"]["token_logins"] = st.token_logins;
    m["signing"]["token_reopens"] = st.token_reopens;
  }

  std::string previous;
  LIAUDIT_RETURN_IF_ERROR(store->LastManifestHash(&previous));
  m["previous_manifest_sha256"] = previous;

  log.Line("finished: " + std::to_string(findings.size()) + " findings, " + std::to_string(ingest.rejects.size()) +
           " rejected rows, " + std::to_string(warnings_.size()) + " warnings");
  LIAUDIT_RETURN_IF_ERROR(WriteFileAtomic(folder->PathFor("job.log"), log.text()));

  std::vector<OutputFile> outputs;
  LIAUDIT_RETURN_IF_ERROR(folder->ListOutputs(&outputs));
  ordered_json outs = ordered_json::array();
  std::map<std::string, std::string> stands_for;  // relative path -> input value (NameFile)
  for (const auto& [path, value] : renamed_)
    stands_for[fs::path(path).lexically_relative(folder->temp_dir()).generic_string()] = value;
  for (const auto& o : outputs) {
    ordered_json e = {{"path", o.path}, {"sha256", o.sha256}, {"bytes", o.bytes}};
    if (auto it = stands_for.find(o.path); it != stands_for.end()) e["for"] = it->second;
    outs.push_back(e);
  }
  m["outputs"] = outs;

  // Replace, never throw: a text that is not UTF-8 must not fail a finished job.
  std::string text = m.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  // The manifest's own signature (manifest.json.p7s), made before the folder is committed
  // so that a committed signed job never lacks it.
  std::string manifest_signature;
  if (signer) {
    Status st = signer->SignDetached(text, kNoTime, &manifest_signature);
    if (!st.ok()) return st.Prepend("signing manifest.json");
  }
  LIAUDIT_RETURN_IF_ERROR(folder->Commit(text, manifest_signature));
  job.status = "ok";
  job.finished = NowLocal();
  job.manifest_sha256 = Sha256Hex(text);
  job.output_dir = folder->final_dir();
  if (Status st = store->FinishJob(job); !st.ok()) {
    // The folder is in place and complete (its manifest verifies); only the store's record
    // of the end is missing. The next job finds the folder and records the job as finished.
    finished_ = true;  // not "failed": the folder stands
    return st.Prepend("the job's folder " + job.output_dir +
                      " is complete and verifies, but the store could not record that the job finished"
                      " (the next job records it)");
  }
  finished_ = true;
  // The chain's head outside the store: removing this job (its row and folder) is noticed.
  ChainHead head;
  if (Status st = CurrentChainHead(store.get(), &head); st.ok()) WriteChainHead(opts.output_dir, head, &log);
  else log.Line("chain head: " + st.message() + " (the next job writes it)");
  return Status::OK();
}

void JobContext::Fail(const Status& st) {
  log.Line("failed: " + st.message());
  if (store && job.id != 0 && !finished_) {
    job.status = "failed";
    job.finished = NowLocal();
    store->FinishJob(job);
  }
}

}  // namespace liaudit::jobs
