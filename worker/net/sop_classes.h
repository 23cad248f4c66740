// SPDX-License-Identifier: Apache-2.0
// The abstract and transfer syntaxes the storage SCP accepts (documented in deploy/CONFORMANCE.md;
// keep the two in step). Thread-safety: constant data.
#pragma once

#include <string_view>
#include <vector>

namespace alveo::net {

struct NamedUid {
  const char* uid;
  std::string_view name;
};

// Storage SOP classes accepted by default (PS3.4 B.5): chest imaging plus the objects a modality or
// PACS routes along with it (SR, KOS, GSPS), so forwarding a whole study never fails.
const std::vector<NamedUid>& DefaultStorageSopClasses();
// Transfer syntaxes in order of preference (PS3.5 section 10 / Annex A).
const std::vector<NamedUid>& AcceptedTransferSyntaxes();
// Every storage class DCMTK knows (accept_all_storage_classes), plus our defaults.
std::vector<const char*> AbstractSyntaxesToAccept(bool accept_all_storage_classes);

}  // namespace alveo::net
