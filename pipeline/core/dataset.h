// Dataset: what the rules see (rules.md). The store fills it (store::LoadDataset);
// rules read it and never touch the store. Compact on purpose: a quarter can hold
// a million queries, so repeated short strings (accounts, service codes, units,
// IPs) are interned as Sym and only per-row unique values are std::string.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/datetime.h"
#include "core/records.h"

namespace liaudit {

using Sym = uint32_t;  // index into SymbolTable; 0 is the empty string
constexpr Sym kNoSym = 0;

class SymbolTable {
 public:
  SymbolTable() { names_.emplace_back(); }
  Sym Intern(std::string_view s) {
    if (s.empty()) return kNoSym;
    auto it = index_.find(std::string(s));
    if (it != index_.end()) return it->second;
    Sym id = static_cast<Sym>(names_.size());
    names_.emplace_back(s);
    index_.emplace(names_.back(), id);
    return id;
  }
  // kNoSym when the string was never interned.
  Sym Find(std::string_view s) const {
    auto it = index_.find(std::string(s));
    return it == index_.end() ? kNoSym : it->second;
  }
  const std::string& Name(Sym s) const { return names_[s]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, Sym> index_;
};

// A string of any length in 16 bytes: up to 16 bytes of text (every ID and number
// the registers and the platform use: 交易序號 like "GSP1151125000123", 統號,
// 編號, 申請單編號) are stored inline; longer text, or a 16-byte text ending in a
// control byte, lives in an owned heap block of exactly its size. A std::string is
// 32 bytes even for short text, and a Dataset holds millions of these.
// Reads as std::string_view (implicit); builds from std::string / std::string_view /
// const char*; compares with all of them; `"text" + s` and `s + "text"` give a
// std::string. Copying copies the text (no sharing), so a Dataset copies safely.
class CompactStr {
 public:
  CompactStr() { Clear(); }
  CompactStr(const std::string& s) { Set(s); }             // NOLINT implicit (std::string ? CompactStr)
  explicit CompactStr(std::string_view s) { Set(s); }
  explicit CompactStr(const char* s) { Set(s ? std::string_view(s) : std::string_view()); }
  CompactStr(const CompactStr& o) { Set(o.view()); }
  CompactStr(CompactStr&& o) noexcept {
    std::memcpy(b_, o.b_, sizeof(b_));
    o.Clear();
  }
  CompactStr& operator=(const CompactStr& o) {
    if (this != &o) Assign(o.view());
    return *this;
  }
  CompactStr& operator=(CompactStr&& o) noexcept {
    if (this != &o) {
      Free();
      std::memcpy(b_, o.b_, sizeof(b_));
      o.Clear();
    }
    return *this;
  }
  CompactStr& operator=(std::string_view s) { return Assign(s); }
  CompactStr& operator=(const std::string& s) { return Assign(s); }
  CompactStr& operator=(const char* s) { return Assign(s ? std::string_view(s) : std::string_view()); }
  ~CompactStr() { Free(); }

  std::string_view view() const {
    unsigned char tag = static_cast<unsigned char>(b_[15]);
    if (tag < 16) return std::string_view(b_, tag);
    if (tag == kHeap) return std::string_view(HeapPtr(), HeapSize());
    return std::string_view(b_, 16);
  }
  operator std::string_view() const { return view(); }  // NOLINT implicit
  std::string str() const { return std::string(view()); }
  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }
  bool empty() const { return b_[15] == 0; }
  bool is_inline() const { return b_[15] != kHeap; }

  friend bool operator==(const CompactStr& a, const CompactStr& b) { return a.view() == b.view(); }
  friend bool operator==(const CompactStr& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(std::string_view a, const CompactStr& b) { return a == b.view(); }
  friend bool operator==(const CompactStr& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const std::string& a, const CompactStr& b) { return b.view() == a; }
  friend bool operator==(const CompactStr& a, const char* b) { return a.view() == b; }
  friend bool operator==(const char* a, const CompactStr& b) { return b.view() == a; }
  template <typename T>
  friend bool operator!=(const CompactStr& a, const T& b) { return !(a == b); }
  template <typename T, typename = std::enable_if_t<!std::is_same_v<T, CompactStr>>>
  friend bool operator!=(const T& a, const CompactStr& b) { return !(b == a); }
  friend bool operator<(const CompactStr& a, const CompactStr& b) { return a.view() < b.view(); }

  friend std::string operator+(const std::string& a, const CompactStr& b) { return a + std::string(b.view()); }
  friend std::string operator+(std::string&& a, const CompactStr& b) { return std::move(a.append(b.view())); }
  friend std::string operator+(const char* a, const CompactStr& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(const CompactStr& a, const std::string& b) { return std::string(a.view()) + b; }
  friend std::string operator+(const CompactStr& a, const char* b) { return std::string(a.view()) + b; }

 private:
  static constexpr unsigned char kHeap = 0x1F;  // tag byte: text on the heap
  // Layout (b_[15] is the tag): tag < 16: inline text of that length; tag == kHeap:
  // pointer in b_[0..7], size in b_[8..11]; any other value: 16 bytes of inline text
  // (the tag byte is the text's last byte, which is then >= 0x20).
  char* HeapPtr() const {
    char* p;
    std::memcpy(&p, b_, sizeof(p));
    return p;
  }
  uint32_t HeapSize() const {
    uint32_t n;
    std::memcpy(&n, b_ + 8, sizeof(n));
    return n;
  }
  void Clear() { std::memset(b_, 0, sizeof(b_)); }
  void Free() {
    if (static_cast<unsigned char>(b_[15]) == kHeap) delete[] HeapPtr();
  }
  void Set(std::string_view s) {
    Clear();
    if (s.size() < 16) {
      if (!s.empty()) std::memcpy(b_, s.data(), s.size());
      b_[15] = static_cast<char>(s.size());
    } else if (s.size() == 16 && static_cast<unsigned char>(s[15]) >= 0x20) {
      std::memcpy(b_, s.data(), 16);
    } else {
      char* p = new char[s.size()];
      std::memcpy(p, s.data(), s.size());
      uint32_t n = static_cast<uint32_t>(s.size());
      std::memcpy(b_, &p, sizeof(p));
      std::memcpy(b_ + 8, &n, sizeof(n));
      b_[15] = static_cast<char>(kHeap);
    }
  }
  CompactStr& Assign(std::string_view s) {
    // s may point into this string's own heap block: copy before freeing.
    CompactStr tmp(s);
    Free();
    std::memcpy(b_, tmp.b_, sizeof(b_));
    tmp.Clear();
    return *this;
  }
  char b_[16];
};
static_assert(sizeof(CompactStr) == 16, "CompactStr is 16 bytes");

// A list of Syms in 16 bytes: up to 3 inline (a registration line names a few
// service items), more on the heap. Reads like a const std::vector<Sym>.
class SymList {
 public:
  SymList() = default;
  SymList(std::initializer_list<Sym> l) { assign(l.begin(), l.end()); }
  explicit SymList(const std::vector<Sym>& v) { assign(v.data(), v.data() + v.size()); }
  SymList(const SymList& o) { assign(o.begin(), o.end()); }
  SymList(SymList&& o) noexcept : size_(o.size_), cap_(o.cap_) {
    std::memcpy(in_, o.in_, sizeof(in_));
    o.size_ = 0;
    o.cap_ = kInline;
  }
  SymList& operator=(const SymList& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  SymList& operator=(SymList&& o) noexcept {
    if (this != &o) {
      Free();
      size_ = o.size_;
      cap_ = o.cap_;
      std::memcpy(in_, o.in_, sizeof(in_));
      o.size_ = 0;
      o.cap_ = kInline;
    }
    return *this;
  }
  ~SymList() { Free(); }

  void assign(const Sym* b, const Sym* e) {
    clear();
    for (; b != e; ++b) push_back(*b);
  }
  void push_back(Sym s) {
    if (size_ == cap_) Grow();
    Data()[size_++] = s;
  }
  void clear() { size_ = 0; }
  const Sym* begin() const { return Data(); }
  const Sym* end() const { return Data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Sym operator[](size_t i) const { return Data()[i]; }
  std::vector<Sym> ToVector() const { return std::vector<Sym>(begin(), end()); }
  friend bool operator==(const SymList& a, const SymList& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  static constexpr uint16_t kInline = 3;
  // Heap mode (cap_ > kInline): in_ holds the block's pointer (memcpy: in_ is only
  // 4-byte aligned, which keeps the whole list at 16 bytes).
  Sym* Heap() const {
    Sym* p;
    std::memcpy(&p, in_, sizeof(p));
    return p;
  }
  Sym* Data() { return cap_ == kInline ? in_ : Heap(); }
  const Sym* Data() const { return cap_ == kInline ? in_ : Heap(); }
  void Grow() {
    uint32_t cap = cap_ * 2u;
    Sym* p = new Sym[cap];
    std::memcpy(p, Data(), size_ * sizeof(Sym));
    Free();
    std::memcpy(in_, &p, sizeof(p));
    cap_ = static_cast<uint16_t>(cap);
  }
  void Free() {
    if (cap_ != kInline) delete[] Heap();
    cap_ = kInline;
  }
  uint16_t size_ = 0;
  uint16_t cap_ = kInline;
  Sym in_[kInline] = {};
};
static_assert(sizeof(SymList) == 16, "SymList is 16 bytes");

// Append-only storage for the Dataset's per-row text (DsQuery::txn_id, subject_id,
// DsRegistration::reason):
// 64 KiB blocks, never moved, so the std::string_views Keep returns stay valid as
// long as the arena lives. Owned through a shared_ptr by every copy of a Dataset
// (copies share it; nothing is ever removed).
class TextArena {
 public:
  std::string_view Keep(std::string_view s) {
    if (s.empty()) return std::string_view();
    if (s.size() > kBlock / 4) {  // big text: a block of its own
      big_.emplace_back(new char[s.size()]);
      std::memcpy(big_.back().get(), s.data(), s.size());
      return std::string_view(big_.back().get(), s.size());
    }
    if (blocks_.empty() || used_ + s.size() > kBlock) {
      blocks_.emplace_back(new char[kBlock]);
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    std::memcpy(p, s.data(), s.size());
    used_ += s.size();
    return std::string_view(p, s.size());
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
};

enum class JobKind { kIngest, kNightly, kQuarterly, kAudit, kBlankForms };

// The period a job checks: [from, to] inclusive dates, and its filters.
struct Period {
  JobKind kind = JobKind::kNightly;
  Date from = kNoDate;
  Date to = kNoDate;
  std::vector<std::string> accounts;  // audit --account (empty = all)
  std::string unit;                   // audit --unit (empty = all)
  LocalTime start() const { return StartOf(from); }
  LocalTime end() const { return StartOf(to + 1); }  // exclusive
  bool Contains(LocalTime t) const { return t >= start() && t < end(); }
  bool ContainsDate(Date d) const { return d >= from && d <= to; }
};

// 64 bytes plus the two texts in the Dataset's arena (a quarter can hold millions).
// txn_id and subject_id point into Dataset::text (set them with Dataset::Keep): they
// are valid while the Dataset (or a copy of it) lives.
struct DsQuery {
  int64_t id = 0;           // store row id (stable; evidence refers to it)
  LocalTime time = kNoTime;
  std::string_view txn_id;
  std::string_view subject_id;
  Sym account = kNoSym;
  Sym service = kNoSym;
  Sym source_ip = kNoSym;   // kNoSym = not logged
  QueryResult result = QueryResult::kUnknown;
};

// Current (newest, not withdrawn) version of a 附表2 line.
// 120 bytes; the 查調事由 lives in the Dataset's arena (the loader keeps each distinct
// text once: a unit writes the same few reasons again and again).
struct DsRegistration {
  int64_t id = 0;               // store row id of this version
  CompactStr reg_no;
  CompactStr subject_id;
  SymList items;                // service codes
  CompactStr request_no;        // empty = none
  std::string_view reason;      // in Dataset::text; loaded only for applied_on in the period (R07), else empty
  LocalTime approved_at = kNoTime;  // kNoTime = not approved
  LocalTime first_seen = kNoTime;   // kNoTime = from the register's first snapshot
  Date applied_on = kNoDate;
  Sym account = kNoSym;
  Sym unit = kNoSym;
};

// A 附表1 row (current version, not withdrawn), approved or not.
struct DsPermission {
  int64_t id = 0;
  std::string form_no;
  Date applied_on = kNoDate;
  Sym account = kNoSym;
  Sym unit = kNoSym;
  std::string national_id;
  PermissionAction action = PermissionAction::kGrant;
  std::vector<Sym> items;       // service codes ("其他:..." interned as is)
  Decision decision = Decision::kOther;
  Date effective_on = kNoDate;
};

// One subject row of a 附表3 request (current version).
struct DsRequestSubject {
  int64_t id = 0;
  std::string request_no;
  Sym unit = kNoSym;
  Date applied_on = kNoDate;
  int count = 0;
  std::string subject_id;
  std::string reason;
  bool inconsistent = false;    // request-level columns disagree (the request is quarantined)
};

struct DsStaff {
  int64_t id = 0;
  Sym account = kNoSym;
  Sym unit = kNoSym;
  std::string name;
  std::string national_id;
  StaffStatus status = StaffStatus::kActive;
  Date changed_on = kNoDate;
};

struct Dataset {
  Period period;
  SymbolTable syms;
  // Text of the queries' txn_id / subject_id and the registrations' reason (shared by
  // copies of this Dataset).
  std::shared_ptr<TextArena> text = std::make_shared<TextArena>();
  std::string_view Keep(std::string_view s) { return text->Keep(s); }

  // Sorted by (time, id). Holds every query with time in [context_start, period.end())
  // plus, for R12(b), every earlier query whose (account, subject) pair appears in a
  // registration that names a request number. in_period() tells them apart.
  std::vector<DsQuery> queries;
  LocalTime context_start = kNoTime;
  bool InPeriod(const DsQuery& q) const { return period.Contains(q.time); }

  // Current versions that can matter: 申請日期 >= date(context_start) - registration window,
  // or naming a request (older ones can match no loaded query).
  std::vector<DsRegistration> registrations;
  std::vector<DsPermission> permissions;       // all current versions, any decision
  std::vector<DsRequestSubject> requests;      // all current versions
  std::vector<DsStaff> staff;                  // the current roster
  bool has_roster = false;

  std::unordered_map<Date, bool> calendar;     // date -> work day, where covered
  bool has_calendar = false;
  bool has_source_ip = false;                  // any query in the period has a source IP

  // R16: last query time per account over the whole store up to period.end().
  std::unordered_map<Sym, LocalTime> last_query_time;
};

}  // namespace liaudit
