#include "ingest/parse.h"

namespace liaudit::ingest {

// Placeholder so the library links while the implementation lands.
Status ParseFile(const std::string& path, InputKind, Sink*, SourceInfo*) {
  return Status::Internal(path + ": ingest parser not implemented yet");
}
std::optional<InputKind> KindForPath(const std::string&, const std::string&) { return std::nullopt; }
Status Sha256File(const std::string& path, std::string*) {
  return Status::Internal(path + ": not implemented yet");
}

}  // namespace liaudit::ingest
