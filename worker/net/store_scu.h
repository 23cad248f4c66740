// SPDX-License-Identifier: Apache-2.0
// The C-STORE SCU (PS3.4 B.2, PS3.7 9.1.1): one association per Send(), one Part 10 file per
// association; implements the DicomSender port with its outcome mapping. DCMTK types stay in the .cpp.
// Thread-safety: Send() may run concurrently; each call owns its DCMTK network and association. The
// connect timeout is a process-wide DCMTK 3.6.7 global, so the last StoreScu constructed sets it.
#pragma once

#include <string>

#include "core/ports.h"
#include "core/status.h"

namespace alveo::net {

struct StoreScuOptions {
  std::string calling_ae_title = "ALVEO";
  int connect_timeout_seconds = 10;  // TCP connect; negative: the system's own timeout
  int acse_timeout_seconds = 30;     // A-ASSOCIATE and A-RELEASE answers
  int dimse_timeout_seconds = 60;    // the C-STORE-RSP after the dataset is sent; 0: wait forever
  int max_receive_pdu_bytes = 131072;
};

class StoreScu final : public DicomSender {
 public:
  explicit StoreScu(StoreScuOptions options = {});

  // Blocking. OK on DIMSE success or warning; see DicomSender (core/ports.h) for the failures.
  Status Send(const DicomAddress& to, const std::string& file) override;

 private:
  const StoreScuOptions options_;
};

}  // namespace alveo::net
