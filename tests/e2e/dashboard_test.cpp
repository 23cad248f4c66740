// SPDX-License-Identifier: Apache-2.0
// The operator dashboard (GET /) end to end. Over plain HTTP: the page is the embedded
// worker/http/dashboard.html with its security headers. In headless Chromium (Debian `chromium`,
// skipped with a message when it is not installed): the page opened without an API shows its
// error banner; against the real `alveo serve` with a flagged (diffuse) and a normal CT phantom,
// the flagged study is the first row although the normal one arrived later, the priority follows
// the certainty, SR delivery states are aggregated per study (one live PACS, one dead
// destination), and no patient name or ID reaches the page. Screenshots (light and dark) are kept
// in this test's build folder for review.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>


#include "e2e_util.h"
#include "support/alveo_server.h"
#include "support/chromium.h"
#include "support/dicom_tools.h"
#include "support/net_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace alveo::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// The page refreshes every 5 s; RunChromium's default 10 s of virtual time covers the first load
// and two refreshes.

// A row of the dumped worklist table.
struct Row {
  std::string study_uid;
  std::string priority;
  std::string result;
  std::string delivery;  // data-delivery of the SR delivery cell
  std::string text;      // the row's text, tags removed, cells separated by '|'
};

std::string Attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = tag.find(key);
  if (at == std::string::npos) return "";
  const std::size_t begin = at + key.size();
  return tag.substr(begin, tag.find('"', begin) - begin);
}

std::string TextOf(const std::string& html) {
  std::string text;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      in_tag = true;
      if (html.compare(i, 4, "<td ") == 0 || html.compare(i, 4, "<td>") == 0) text += '|';
    } else if (html[i] == '>') {
      in_tag = false;
    } else if (!in_tag) {
      text += html[i];
    }
  }
  return text;
}

// The rows of <tbody id="worklist-body"> in document order (the empty-list row has no study UID).
std::vector<Row> WorklistRows(const std::string& dom) {
  std::vector<Row> rows;
  const std::size_t table = dom.find("id=\"worklist\"");
  if (table == std::string::npos) return rows;
  std::size_t at = dom.find("id=\"worklist-body\"", table);
  const std::size_t end = dom.find("</tbody>", at);
  if (at == std::string::npos || end == std::string::npos) return rows;
  while ((at = dom.find("<tr", at)) != std::string::npos && at < end) {
    const std::size_t tag_end = dom.find('>', at);
    const std::size_t row_end = dom.find("</tr>", tag_end);
    const std::string tag = dom.substr(at, tag_end - at);
    const std::string inner = dom.substr(tag_end + 1, row_end - tag_end - 1);
    const std::size_t delivery_at = inner.find("data-delivery=\"");
    rows.push_back({Attribute(tag, "data-study-uid"), Attribute(tag, "data-priority"), Attribute(tag, "data-result"),
                    delivery_at == std::string::npos ? "" : Attribute(inner.substr(delivery_at - 1), "data-delivery"),
                    TextOf(inner)});
    at = row_end;
  }
  return rows;
}

std::string ExpectedPriority(double certainty) {
  return certainty >= 70 ? "stat" : certainty >= 40 ? "asap" : "flagged";
}

// "YYYYMMDD" as the page shows it.
std::string PageDate(const std::string& da) {
  return da.size() == 8 ? da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2) : da;
}

constexpr char kNoChromium[] =
    "Chromium not found (install the Debian package `chromium`, or set ALVEO_CHROMIUM): the dashboard is not "
    "checked in a browser";

bool IsPng(const std::string& path, std::uintmax_t min_size) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) < min_size) return false;
  const auto bytes = ReadFile(path);
  return bytes && bytes->compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AlveoServer::Available()) GTEST_SKIP() << "alveo binary not built";
  }

  TempDir dir_;
};

TEST_F(DashboardTest, ServesTheEmbeddedPageWithStrictHeaders) {
  AlveoServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  const auto source = ReadFile(AlveoServer::SourceDir() + "/worker/http/dashboard.html");
  ASSERT_TRUE(source);
  for (const std::string path : {"/", "/dashboard"}) {
    const HttpResponse page = server.Get(path);
    ASSERT_EQ(page.status, 200) << page.Describe();
    EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(page.Header("Cache-Control"), "no-store");
    EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
    const std::string csp = page.Header("Content-Security-Policy");
    EXPECT_EQ(csp.rfind("default-src 'none'; ", 0), 0u) << csp;
    EXPECT_NE(csp.find("script-src 'sha256-"), std::string::npos) << csp;
    EXPECT_NE(csp.find("style-src 'sha256-"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
    EXPECT_TRUE(page.body == *source) << "GET " << path << " is not worker/http/dashboard.html as built";
    // Self-contained: nothing is loaded from another origin.
    EXPECT_EQ(page.body.find("http://"), std::string::npos);
    EXPECT_EQ(page.body.find("https://"), std::string::npos);
  }
  EXPECT_EQ(server.Http("POST", "/").status, 405);
  EXPECT_EQ(server.Get("/dashboard/x").status, 404);
  EXPECT_EQ(server.Get("/healthz").status, 200);  // the API routes are unchanged
  EXPECT_EQ(server.Stop(), 0);
}

// Opened from a file, the page cannot reach any API: it must say so, not show an empty list.
TEST_F(DashboardTest, ShowsAnErrorBannerWhenTheApiDoesNotAnswer) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) GTEST_SKIP() << kNoChromium;
  const std::string page = AlveoServer::SourceDir() + "/worker/http/dashboard.html";
  const ToolResult dump = RunChromium(chromium, dir_.MakeDir("profile"), "file://" + page, {"--dump-dom"});
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  const std::string& dom = dump.stdout_text;
  const std::size_t banner = dom.find("<div id=\"error-banner\"");
  ASSERT_NE(banner, std::string::npos) << dom;
  const std::string banner_tag = dom.substr(banner, dom.find('>', banner) - banner);
  EXPECT_EQ(banner_tag.find("hidden"), std::string::npos) << "the error banner is hidden:\n" << dom;
  EXPECT_NE(dom.find("The Alveo API did not answer", banner), std::string::npos) << dom;
  EXPECT_NE(dom.find("No data: the API is not answering."), std::string::npos) << dom;
  EXPECT_TRUE(WorklistRows(dom).size() == 1 && WorklistRows(dom)[0].study_uid.empty()) << dom;
}

TEST_F(DashboardTest, FlaggedStudyIsOnTopInChromium) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) GTEST_SKIP() << kNoChromium;
  std::string error;
  auto pacs = StorescpPacs::Start(dir_.MakeDir("pacs"), dir_.MakeDir("logs"), {}, &error);
  ASSERT_TRUE(pacs) << error;
  const int down_port = FreeTcpPort();  // nothing listens there: that destination's delivery goes dead
  AlveoServerOptions options;
  options.extra_args = {"--quiet-period", "1",
                        "--destination", "pacs=PACS@127.0.0.1:" + std::to_string(pacs->port()),
                        "--destination", "down=DOWN@127.0.0.1:" + std::to_string(down_port),
                        "--set", "delivery.max_attempts=1"};
  AlveoServer server(options);
  ASSERT_TRUE(server.Start()) << server.error();

  const std::vector<std::string> small{"--modality", "CT", "--rows", "256", "--cols", "256", "--slices", "60",
                                       "--slice-spacing", "5"};
  std::vector<std::string> diffuse_args{"--kind", "diffuse"};
  std::vector<std::string> normal_args{"--kind", "normal"};
  diffuse_args.insert(diffuse_args.end(), small.begin(), small.end());
  normal_args.insert(normal_args.end(), small.begin(), small.end());
  const Phantom diffuse = MakePhantom(dir_.Path("diffuse"), diffuse_args);
  const Phantom normal = MakePhantom(dir_.Path("normal"), normal_args);
  ASSERT_FALSE(diffuse.files.empty());
  ASSERT_FALSE(normal.files.empty());
  ASSERT_NE(diffuse.study_uid, normal.study_uid);
  const std::string patient_name = DicomTagValue(diffuse.files[0], "PatientName").value_or("");
  const std::string patient_id = DicomTagValue(diffuse.files[0], "PatientID").value_or("");
  ASSERT_FALSE(patient_name.empty());
  ASSERT_FALSE(patient_id.empty());

  // The flagged study arrives first: only the priority order can put it above the newer normal one.
  const ToolResult sent_diffuse = RunStorescu(server.dicom_port(), diffuse.files);
  ASSERT_EQ(sent_diffuse.exit_code, 0) << sent_diffuse.Describe();
  const ToolResult sent_normal = RunStorescu(server.dicom_port(), normal.files);
  ASSERT_EQ(sent_normal.exit_code, 0) << sent_normal.Describe();
  const auto processed = [](const JsonValue& s) { return StateIs(s, "processed"); };
  const auto flagged = WaitForStudy(server, diffuse.study_uid, processed, seconds(120));
  ASSERT_TRUE(flagged) << "the diffuse study was not processed";
  ASSERT_TRUE(WaitForStudy(server, normal.study_uid, processed, seconds(120))) << "the normal study was not processed";
  ASSERT_EQ((*flagged)["result_status"].AsString(), "flagged") << flagged->ToString();
  const double certainty = (*flagged)["certainty"].AsDouble();

  // Every SR settled: delivered to the PACS, dead at the destination that is down.
  ASSERT_TRUE(WaitUntil(
      [&] {
        const JsonValue list = ParseJson(server.Get("/api/v1/deliveries").body)["deliveries"];
        if (list.Size() != 4) return false;
        for (std::size_t i = 0; i < list.Size(); ++i) {
          if (list.At(i)["state"].AsString() == "pending") return false;
        }
        return true;
      },
      seconds(90), std::chrono::milliseconds(100)))
      << server.Get("/api/v1/deliveries").body;

  // The API lists the most recently received first: the normal study. The page must re-sort.
  const JsonValue api = ParseJson(server.Get("/api/v1/studies").body);
  ASSERT_EQ(api["total"].AsInt(), 2) << api.ToString();
  EXPECT_EQ(api["studies"].At(0)["study_instance_uid"].AsString(), normal.study_uid);
  const JsonValue normal_json = api["studies"].At(0);
  const JsonValue flagged_json = api["studies"].At(1);

  const std::string url = "http://127.0.0.1:" + std::to_string(server.http_port()) + "/";
  const ToolResult dump = RunChromium(chromium, dir_.MakeDir("profile-dom"), url, {"--dump-dom"});
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  const std::string& dom = dump.stdout_text;
  // Chromium logs CSP violations (a blocked inline script or style) and uncaught script errors to
  // stderr with --enable-logging.
  EXPECT_EQ(dump.stderr_text.find("Content Security Policy"), std::string::npos) << dump.stderr_text;
  EXPECT_EQ(dump.stderr_text.find("Uncaught"), std::string::npos) << dump.stderr_text;

  const std::vector<Row> rows = WorklistRows(dom);
  ASSERT_EQ(rows.size(), 2u) << dom;
  EXPECT_EQ(rows[0].study_uid, diffuse.study_uid) << "the flagged study is not on top:\n" << dom;
  EXPECT_EQ(rows[0].result, "flagged");
  EXPECT_EQ(rows[0].priority, ExpectedPriority(certainty)) << "certainty " << certainty;
  EXPECT_NE(rows[0].text.find("|flagged|"), std::string::npos) << rows[0].text;
  EXPECT_NE(rows[0].text.find(flagged_json["accession_number"].AsString()), std::string::npos) << rows[0].text;
  EXPECT_NE(rows[0].text.find(PageDate(flagged_json["study_date"].AsString())), std::string::npos) << rows[0].text;
  EXPECT_NE(rows[0].text.find(flagged_json["top_differential"].AsString()), std::string::npos) << rows[0].text;
  EXPECT_EQ(rows[1].study_uid, normal.study_uid) << dom;
  EXPECT_EQ(rows[1].result, normal_json["result_status"].AsString());
  EXPECT_EQ(rows[1].priority, "not_flagged");
  EXPECT_NE(rows[1].text.find(normal_json["accession_number"].AsString()), std::string::npos) << rows[1].text;
  for (const Row& row : rows) {  // one SR per study: delivered to the PACS, dead at "down"
    EXPECT_EQ(row.delivery, "dead") << row.text;
    EXPECT_NE(row.text.find("DEAD 1"), std::string::npos) << row.text;
    EXPECT_NE(row.text.find("delivered 1/2"), std::string::npos) << row.text;
  }
  EXPECT_NE(dom.find("2 studies, 1 flagged, 2 SR deliveries dead"), std::string::npos) << dom;
  EXPECT_NE(dom.find("Last updated "), std::string::npos) << dom;
  EXPECT_NE(dom.find("id=\"error-banner\" role=\"alert\" hidden"), std::string::npos) << dom;
  // No patient name or ID: the phantom's (PHANTOM^CHEST by default) and its ID.
  EXPECT_EQ(dom.find("PHANTOM^CHEST"), std::string::npos);
  EXPECT_EQ(dom.find(patient_name), std::string::npos) << patient_name;
  EXPECT_EQ(dom.find(patient_id), std::string::npos) << patient_id;

  // Screenshots for people to look at, kept in the build folder: the light theme
  // (preferredColorScheme 1 = light), then the dark one (prefers-color-scheme: dark).
  const std::string artifacts = ALVEO_DASHBOARD_ARTIFACT_DIR;
  const std::vector<std::pair<std::string, std::string>> shots{
      {artifacts + "/dashboard.png", "--blink-settings=preferredColorScheme=1"},
      {artifacts + "/dashboard-dark.png", "--force-dark-mode"}};
  for (const auto& [path, theme] : shots) {
    std::error_code ec;
    fs::remove(path, ec);
    const ToolResult shot = RunChromium(chromium, dir_.MakeDir("profile-" + fs::path(path).stem().string()), url,
                                        {"--screenshot=" + path, "--window-size=1400,900", "--hide-scrollbars", theme});
    ASSERT_EQ(shot.exit_code, 0) << shot.Describe();
    EXPECT_TRUE(IsPng(path, 10 * 1024)) << path << " is missing, not a PNG or nearly empty";
    std::cerr << "dashboard screenshot: " << path << "\n";
  }
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace alveo::testing
