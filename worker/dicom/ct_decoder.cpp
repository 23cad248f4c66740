// SPDX-License-Identifier: Apache-2.0
// DecodeCtSeries: (1) parse every source once, in parallel, pixel data left where it is, keep the
// frame geometry and rescale and only the Image Pixel attributes of the dataset; (2) sort and
// check the frames; (3) decode each source's frames straight into their slices of the volume, in
// parallel, releasing each dataset as soon as its frames are done.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must precede other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "dicom/ct_frames.h"
#include "dicom/ct_layout.h"
#include "dicom/parallel_tasks.h"
#include "dicom/pixel_decoder.h"
#include "dicom/pixel_io.h"
#include "dicom/stored_values.h"
#include <sys/mman.h>
#include <unistd.h>

namespace alveo::dicom {
namespace {

using internal::CtFrame;
using internal::HuTable;
using internal::PixelFormat;

struct SourceWork {
  std::unique_ptr<DcmFileFormat> file;
  PixelFormat format;
  std::string ts_uid;
  std::vector<CtFrame> frames;
  std::size_t first_frame = 0;  // index of frames[0] in the series' flat frame list
  bool reload = false;          // pixel data could not stay on disk (deflate): parse again later
  HuTable::Counts counts;
};

std::string SourceName(const std::vector<DicomSource>& slices, std::size_t i) {
  if (!slices[i].is_buffer()) return slices[i].path;
  return "input " + std::to_string(i) + ", " + slices[i].Describe();
}

// Sizes the volume's voxel vector, asking for transparent huge pages first. Measured on our VMs:
// first-touching 157 MB in 4 kB pages costs ~0.5 s of page faults (and slower copies into it
// afterwards); with 2 MB pages ~20 ms. Harmless where THP is off.
void AllocateVoxels(std::vector<std::int16_t>& voxels, std::size_t count) {
  voxels.reserve(count);
  const std::size_t bytes = count * sizeof(std::int16_t);
  if (bytes >= (std::size_t{8} << 20)) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(voxels.data());
    const std::uintptr_t aligned = (begin + page - 1) / page * page;
    const std::uintptr_t end = begin + bytes;
    if (aligned < end) {
      ::madvise(reinterpret_cast<void*>(aligned), end - aligned, MADV_HUGEPAGE);  // best effort
    }
  }
  voxels.resize(count);
}

Status WithContext(const Status& s, const std::string& context) {
  return Status::Error(s.code(), context + ": " + s.message());
}

Status ParseSource(const DicomSource& source, SourceWork& work) {
  work.file = std::make_unique<DcmFileFormat>();
  if (Status s = internal::LoadSource(source, *work.file); !s.ok()) return s;
  if (Status s = internal::CheckTransferSyntax(*work.file, work.ts_uid); !s.ok()) return s;
  DcmDataset& dataset = *work.file->getDataset();
  Result<PixelFormat> format = internal::ReadPixelFormat(dataset);
  if (!format.ok()) return format.status();
  work.format = std::move(format).value();
  if (work.format.samples_per_pixel != 1 || !work.format.IsMonochrome()) {
    return Status::Error(ErrorCode::kUnsupportedEncoding, "colour CT (PhotometricInterpretation " +
                                                              work.format.photometric +
                                                              ") cannot be decoded to HU");
  }
  Result<std::vector<CtFrame>> frames = internal::ReadCtFrames(dataset, work.format);
  if (!frames.ok()) return frames.status();
  work.frames = std::move(frames).value();
  internal::KeepOnlyPixelModule(dataset);
  // A deflated stream cannot be read from the middle, so DCMTK loaded the pixel data already.
  // Holding hundreds of those until their turn would double the memory: parse again instead.
  DcmElement* pixel_data = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, pixel_data).good() && pixel_data != nullptr &&
      pixel_data->valueLoaded() && pixel_data->getLengthField() > 0) {
    work.reload = true;
    work.file.reset();
  }
  return Status::Ok();
}

// Decodes every frame of one source into its slice; `slot` maps flat frame index -> slice k.
Status DecodeSource(const DicomSource& source, SourceWork& work,
                    const std::vector<std::size_t>& slot, Volume& volume, HuTable& table,
                    std::vector<std::uint8_t>& scratch, const std::string& name) {
  if (work.reload) {
    work.file = std::make_unique<DcmFileFormat>();
    if (Status s = internal::LoadSource(source, *work.file); !s.ok()) return WithContext(s, name);
  }
  DcmDataset& dataset = *work.file->getDataset();
  const std::size_t pixels = work.format.PixelCount();
  const std::size_t frame_bytes = work.format.FrameBytes();
  std::uint32_t start_fragment = 0;
  std::string color_model;
  for (std::size_t f = 0; f < work.frames.size(); ++f) {
    const std::size_t k = slot[work.first_frame + f];
    std::int16_t* dest = volume.Slice(static_cast<int>(k));
    auto where = [&] {
      return "slice " + std::to_string(k) + " (" + name +
             (work.frames.size() > 1 ? ", frame " + std::to_string(f + 1) : "") + ")";
    };
    if (!table.Matches(work.frames[f].hu)) table.Build(work.frames[f].hu);
    if (work.format.bits_allocated == 16) {
      Status s = internal::ReadFrame(dataset, work.format, static_cast<int>(f), start_fragment,
                                     dest, pixels * sizeof(std::int16_t), color_model);
      if (!s.ok()) return WithContext(s, where());
      table.Apply16(dest, pixels, work.counts);
    } else {
      scratch.resize(frame_bytes + 2);
      Status s = internal::ReadFrame(dataset, work.format, static_cast<int>(f), start_fragment,
                                     scratch.data(), scratch.size(), color_model);
      if (!s.ok()) return WithContext(s, where());
      table.Apply8(scratch.data(), dest, pixels, work.counts);
    }
  }
  work.file.reset();  // this source's frames are done: free its dataset now
  return Status::Ok();
}

}  // namespace

Result<DecodedCt> DecodeCtSeriesWithReport(const std::vector<DicomSource>& slices,
                                           const DecodeOptions& options) {
  if (slices.empty()) return Status::Error(ErrorCode::kInvalidArgument, "no slices to decode");
  EnsureDecodersRegistered();
  std::vector<SourceWork> work(slices.size());
  Status parsed = internal::RunTasks(slices.size(), options.threads, [&](std::size_t i, int) {
    Status s = ParseSource(slices[i], work[i]);
    if (s.ok()) return s;
    work[i].file.reset();
    return WithContext(s, SourceName(slices, i) + " (input " + std::to_string(i) + " of " +
                              std::to_string(slices.size()) + ")");
  });
  if (!parsed.ok()) return parsed;

  // Flat frame list: geometry for the layout, and who owns each frame.
  std::vector<internal::FrameGeometry> geometry;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < work.size(); ++i) {
    work[i].first_frame = geometry.size();
    for (const CtFrame& frame : work[i].frames) {
      geometry.push_back(frame.geometry);
      owner.push_back(i);
    }
  }
  Result<internal::SliceLayout> layout = internal::ArrangeSlices(geometry, [&](std::size_t flat) {
    const std::size_t i = owner[flat];
    const std::size_t frame = flat - work[i].first_frame;
    return SourceName(slices, i) +
           (work[i].frames.size() > 1 ? " frame " + std::to_string(frame + 1) : "");
  });
  if (!layout.ok()) return layout.status();

  DecodedCt result;
  CtDecodeReport& report = result.report;
  std::vector<std::size_t> slot(geometry.size());
  std::vector<std::size_t> first_slice(work.size(), geometry.size());
  for (std::size_t k = 0; k < layout->order.size(); ++k) {
    const std::size_t flat = layout->order[k];
    const std::size_t i = owner[flat];
    slot[flat] = k;
    first_slice[i] = std::min(first_slice[i], k);
    report.slices.push_back(
        {i, static_cast<int>(flat - work[i].first_frame), layout->positions[k]});
  }
  report.min_gap_mm = layout->min_gap_mm;
  report.max_gap_mm = layout->max_gap_mm;
  report.max_off_axis_mm = layout->max_off_axis_mm;
  report.transfer_syntax_uid = work[report.slices.front().source_index].ts_uid;

  // Sources in the order of their first slice, so the first failing slice is the one reported.
  std::vector<std::size_t> order(work.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return first_slice[a] < first_slice[b]; });

  result.volume.geometry = layout->geometry;
  AllocateVoxels(result.volume.voxels, layout->geometry.VoxelCount());
  const int workers = internal::WorkerCount(order.size(), options.threads);
  std::vector<HuTable> tables(static_cast<std::size_t>(workers));
  std::vector<std::vector<std::uint8_t>> scratch(static_cast<std::size_t>(workers));
  Status decoded = internal::RunTasks(order.size(), workers, [&](std::size_t n, int worker) {
    const std::size_t i = order[n];
    const auto w = static_cast<std::size_t>(worker);
    return DecodeSource(slices[i], work[i], slot, result.volume, tables[w], scratch[w],
                        SourceName(slices, i));
  });
  if (!decoded.ok()) return decoded;
  for (const SourceWork& w : work) {
    report.padding_voxels += w.counts.padding;
    report.clamped_voxels += w.counts.clamped;
  }
  return result;
}

Result<Volume> DecodeCtSeries(const std::vector<DicomSource>& slices,
                              const DecodeOptions& options) {
  Result<DecodedCt> decoded = DecodeCtSeriesWithReport(slices, options);
  if (!decoded.ok()) return decoded.status();
  return std::move(decoded.value().volume);
}

}  // namespace alveo::dicom
