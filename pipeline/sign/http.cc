#include "sign/http.h"

#include <curl/curl.h>

#include <mutex>
#include <utility>

namespace liaudit::sign {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  // A bounded answer: timestamp tokens, OCSP responses and CRLs of a closed network are
  // kilobytes to a few megabytes.
  if (out->size() + size * n > (64u << 20)) return 0;
  out->append(data, size * n);
  return size * n;
}

std::once_flag g_curl_once;

}  // namespace

std::string RedactedUrl(const std::string& url) {
  CURLU* h = curl_url();
  std::string out = "(unparsable URL)";
  if (h != nullptr && curl_url_set(h, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    curl_url_set(h, CURLUPART_USER, nullptr, 0);
    curl_url_set(h, CURLUPART_PASSWORD, nullptr, 0);
    curl_url_set(h, CURLUPART_OPTIONS, nullptr, 0);
    char* shown = nullptr;
    if (curl_url_get(h, CURLUPART_URL, &shown, 0) == CURLUE_OK && shown != nullptr) out = shown;
    curl_free(shown);
  }
  curl_url_cleanup(h);
  return out;
}

struct HttpClient::Impl {
  CURL* curl = nullptr;
  std::mutex mu;
  int timeout = 15;
  long connections = 0, requests = 0;
  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
  Status Perform(const std::string& url, const std::string* body, const std::string& type,
                 const std::string& user_password, HttpResponse* out) {
    std::lock_guard<std::mutex> lock(mu);
    *out = HttpResponse();
    curl_easy_reset(curl);  // keeps the connection cache
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "liaudit");
    curl_slist* headers = nullptr;
    if (body != nullptr) {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
      headers = curl_slist_append(headers, ("Content-Type: " + type).c_str());
      headers = curl_slist_append(headers, "Expect:");
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }
    if (!user_password.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERPWD, user_password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    ++requests;
    long opened = 0;
    if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) connections += opened;
    if (rc != CURLE_OK) {
      return Status::IoError(RedactedUrl(url) + ": " + (error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc)));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    char* ct = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != nullptr) out->content_type = ct;
    return Status::OK();
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Status HttpClient::Create(int timeout_seconds, std::unique_ptr<HttpClient>* out) {
  std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto impl = std::make_unique<Impl>();
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) return Status::Internal("signing: curl_easy_init failed");
  impl->timeout = timeout_seconds > 0 ? timeout_seconds : 15;
  out->reset(new HttpClient(std::move(impl)));
  return Status::OK();
}

Status HttpClient::Post(const std::string& url, const std::string& type, const std::string& body,
                        const std::string& user_password, HttpResponse* out) {
  return impl_->Perform(url, &body, type, user_password, out);
}

Status HttpClient::Get(const std::string& url, HttpResponse* out) { return impl_->Perform(url, nullptr, "", "", out); }

long HttpClient::connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->connections;
}
long HttpClient::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

}  // namespace liaudit::sign
