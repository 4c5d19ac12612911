// What makes the store's record of findings and follow-ups tamper-evident beside the
// manifests' hash chain (docs/signing.md "The chain's head"): a digest of each job's
// findings as the store holds them, written into the signed manifest, and the chain's head
// (newest job's manifest hash, follow-up log head) kept outside the store in
// OUTPUT/chain-head and liaudit.log, so that removing the newest job is noticed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/status.h"
#include "jobs/log.h"
#include "store/store.h"

namespace liaudit::jobs {

// SHA-256 (hex) of findings as saved: every field and every piece of evidence, in order.
std::string FindingsDigest(const std::vector<Finding>& findings);

struct ChainHead {
  int64_t job_id = 0;  // the newest job that finished with a manifest (0 = none)
  std::string kind, manifest_sha256, output_dir;
  long followup_log_entries = 0;
  std::string followup_log_sha256;
};

// The head as the store has it now.
Status CurrentChainHead(store::Store* st, ChainHead* out);
// Writes OUTPUT/chain-head (JSON, owner-only, atomically) and one "chain head: ..." line to
// `log` (liaudit.log). A failure is logged, not returned: the folder and the store stand,
// and the next job writes the head again.
void WriteChainHead(const std::string& output_dir, const ChainHead& head, JobLog* log);
// OUTPUT/chain-head; false with *error when it cannot be read ("" when there is none).
bool ReadChainHead(const std::string& output_dir, ChainHead* out, std::string* error);
// The last "chain head: ..." line of OUTPUT/liaudit.log; false when there is none.
bool LastLoggedChainHead(const std::string& output_dir, ChainHead* out);

}  // namespace liaudit::jobs
