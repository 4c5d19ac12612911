// One HTTP client (libcurl) for the signing stage's servers: the TSA, OCSP responders
// and CRL distribution points. One handle, so requests to the same server reuse one
// kept-alive connection; calls are serialised by a mutex (a local TSA answers in about
// a millisecond, far less than a signature). Timeouts are bounded.
#pragma once
#include <memory>
#include <string>

#include "core/status.h"

namespace liaudit::sign {

// `url` without any user name or password in it (https://user:pw@host/ -> https://host/),
// for logs, messages and manifests; libcurl's URL parser decides what the parts are.
// A URL it cannot parse is returned as "(unparsable URL)".
std::string RedactedUrl(const std::string& url);

struct HttpResponse {
  long status = 0;            // HTTP status code; 0 when no answer came
  std::string content_type;
  std::string body;
};

class HttpClient {
 public:
  // timeout_seconds bounds each request (connect and transfer).
  static Status Create(int timeout_seconds, std::unique_ptr<HttpClient>* out);
  // POST `body` (content type `type`); user_password ("user:password") for basic auth, or empty.
  // A transport failure is an error Status naming the URL; an HTTP error is a response.
  Status Post(const std::string& url, const std::string& type, const std::string& body,
              const std::string& user_password, HttpResponse* out);
  Status Get(const std::string& url, HttpResponse* out);
  long connections() const;   // connections opened so far (libcurl's count)
  long requests() const;

  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::sign
