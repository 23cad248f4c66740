// SPDX-License-Identifier: Apache-2.0
// One C-STORE, from command to response: stream the dataset into the spool, parse and validate it,
// commit it durably, hand it to the InstanceSink, then answer. The DIMSE status comes from the one
// error table (core/error_code.h); every refusal is logged with its reason and returned to the
// sender as an Error Comment. Thread-safety: Handle() is called concurrently from association
// threads; the handler itself holds no mutable state.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdint>
#include <string>

#include "core/instance.h"
#include "core/ports.h"
#include "core/settings.h"
#include "spool/spool.h"

namespace alveo::net {

struct ScpCounters;

struct AssociationInfo {
  std::uint64_t id = 0;
  std::string calling_ae;
  std::string peer_host;
};

class StoreHandler {
 public:
  StoreHandler(const DicomSettings& settings, spool::Spool& spool, InstanceSink& sink, const Clock& clock,
               ScpCounters& counters);

  // Returns a bad condition only when the association itself failed (the caller aborts it); every
  // dataset-level problem is answered with a failure status and the association continues.
  OFCondition Handle(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                     T_DIMSE_C_StoreRQ& request, const AssociationInfo& info);

 private:
  struct Outcome {
    Status status;
    bool duplicate = false;
  };
  Outcome Receive(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                  const T_DIMSE_C_StoreRQ& request, const AssociationInfo& info, OFCondition& network);
  OFCondition Respond(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                      T_DIMSE_C_StoreRQ& request, const Status& status);

  const DicomSettings& settings_;
  spool::Spool& spool_;
  InstanceSink& sink_;
  const Clock& clock_;
  ScpCounters& counters_;
};

}  // namespace alveo::net
