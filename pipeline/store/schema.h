// Internal to the store stage: the schema as an ordered list of migrations.
// Migration i (1-based) takes a store from user_version i-1 to i; a new store
// runs them all. Never edit a released migration: add a new one.
#pragma once
#include <sqlite3.h>

#include "core/status.h"

namespace liaudit::store::internal {

// Brings the open database to kSchemaVersion inside one transaction. Refuses a store
// whose user_version is newer than this code knows.
Status Migrate(sqlite3* db, const std::string& path);

// The SQL of migration `version` (1..kSchemaVersion), nullptr otherwise. Tests build
// old stores with it.
const char* MigrationSql(int version);

// Secondary indexes of the queries table: dropped before a bulk load into an empty
// table and recreated after it (building an index once is far cheaper than keeping it
// up to date row by row).
Status DropQueryIndexes(sqlite3* db);
Status CreateQueryIndexes(sqlite3* db);

}  // namespace liaudit::store::internal
