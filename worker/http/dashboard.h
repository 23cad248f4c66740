// SPDX-License-Identifier: Apache-2.0
// The operator dashboard at GET / and /dashboard: one self-contained HTML page
// (worker/http/dashboard.html: inline CSS and plain JavaScript, no external resource, so it works
// offline) compiled into the binary at build time. It is served with a Content-Security-Policy
// that admits exactly the page's one inline <style> and one inline <script> by their SHA-256
// hashes, computed once from the embedded bytes, and lets the page fetch only from this server.
// Internal to http/. Thread-safety: every function may be called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace alveo::http {

// The page exactly as in worker/http/dashboard.html (UTF-8).
std::string_view DashboardHtml();

// "default-src 'none'; script-src 'sha256-…'; style-src 'sha256-…'; connect-src 'self'; …".
const std::string& DashboardContentSecurityPolicy();

// 200 with the page: text/html; charset=utf-8, Cache-Control: no-store, the policy above,
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer.
void SendDashboard(Poco::Net::HTTPServerResponse& response);

namespace internal {
// Defined in the source CMake generates from dashboard.html (dashboard_page.cpp.in).
std::string_view EmbeddedDashboardHtml();
}  // namespace internal

}  // namespace alveo::http
