// SPDX-License-Identifier: Apache-2.0
// A DCMTK output stream that writes into a spool::PendingInstance, so received PDVs go straight to
// the spool's temporary file (no dataset in memory, no second copy). Internal to net/.
// Thread-safety: used by one association thread.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcerror.h>
#include <dcmtk/dcmdata/dcostrma.h>

#include "spool/pending_instance.h"

namespace alveo::net {

class SpoolConsumer final : public DcmConsumer {
 public:
  explicit SpoolConsumer(spool::PendingInstance& pending) : pending_(pending) {}
  OFBool good() const override { return pending_.status().ok(); }
  OFCondition status() const override { return good() ? EC_Normal : EC_InvalidStream; }
  OFBool isFlushed() const override { return OFTrue; }
  offile_off_t avail() const override { return good() ? 0x7fffffff : 0; }
  offile_off_t write(const void* buf, offile_off_t buflen) override {
    return pending_.Write(buf, static_cast<std::size_t>(buflen)) ? buflen : 0;
  }
  void flush() override {}

 private:
  spool::PendingInstance& pending_;
};

class SpoolOutputStream final : public DcmOutputStream {
 public:
  // The base class only stores the consumer pointer during construction.
  explicit SpoolOutputStream(spool::PendingInstance& pending)
      : DcmOutputStream(&consumer_), consumer_(pending) {}

 private:
  SpoolConsumer consumer_;
};

}  // namespace alveo::net
