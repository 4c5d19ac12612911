// Synthetic but realistic report models for the reports tests and the benchmark.
// All names, accounts and IDs are invented; IDs are already masked where the model needs it.
#pragma once
#include "reports/reports.h"

namespace liaudit::reports::testdata {

// The nightly report of 2026-11-25 with `findings` findings spread over the rules
// (deterministic), one querier named with the Ext-B character 𠮟 (U+20B9F).
ExceptionsReport SampleExceptions(int findings);

// The 2026Q3 review with `findings` findings, six units, permissions, follow-ups
// (some overdue) and two skipped checks.
ReviewReport SampleReview(int findings);

}  // namespace liaudit::reports::testdata
