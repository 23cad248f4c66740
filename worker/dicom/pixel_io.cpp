// SPDX-License-Identifier: Apache-2.0
#include "dicom/pixel_io.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrma.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <unistd.h>

namespace alveo::dicom {

DicomSource DicomSource::File(std::string file_path) {
  DicomSource source;
  source.path = std::move(file_path);
  return source;
}

DicomSource DicomSource::Buffer(const std::uint8_t* bytes, std::size_t byte_count) {
  DicomSource source;
  source.data = bytes;
  source.size = byte_count;
  return source;
}

DicomSource DicomSource::Buffer(const std::vector<std::uint8_t>& bytes) {
  return Buffer(bytes.data(), bytes.size());
}

std::string DicomSource::Describe() const {
  if (!is_buffer()) return path;
  return "memory buffer (" + std::to_string(size) + " bytes)";
}

void EnsureDecodersRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Each registerCodecs() is a no-op when that family is already registered (e.g. by the
    // phantom writer, which also registers encoders).
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

namespace internal {
namespace {

// Values longer than this are not loaded while parsing (pixel data, big private blobs).
constexpr Uint32 kMaxLoadedValueLength = 4096;

// A DCMTK producer over borrowed bytes.
class MemoryProducer : public DcmProducer {
 public:
  MemoryProducer(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  OFBool good() const override { return OFTrue; }
  OFCondition status() const override { return EC_Normal; }
  OFBool eos() override { return pos_ >= size_; }
  offile_off_t avail() override { return static_cast<offile_off_t>(size_ - pos_); }
  offile_off_t read(void* buf, offile_off_t buflen) override {
    const std::size_t n = std::min(size_ - pos_, static_cast<std::size_t>(buflen));
    if (n > 0) std::memcpy(buf, data_ + pos_, n);
    pos_ += n;
    return static_cast<offile_off_t>(n);
  }
  offile_off_t skip(offile_off_t skiplen) override {
    const std::size_t n = std::min(size_ - pos_, static_cast<std::size_t>(skiplen));
    pos_ += n;
    return static_cast<offile_off_t>(n);
  }
  void putback(offile_off_t num) override { pos_ -= std::min(pos_, static_cast<std::size_t>(num)); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// An input stream over borrowed bytes that, unlike DcmInputBufferStream, can hand out factories:
// so large values are read later straight from the caller's buffer instead of being copied.
class MemoryInputStream : public DcmInputStream {
 public:
  MemoryInputStream(const std::uint8_t* data, std::size_t size, offile_off_t offset)
      : DcmInputStream(&producer_), producer_(data, size), data_(data), size_(size) {
    if (offset > 0) skip(offset);
  }
  DcmInputStreamFactory* newFactory() const override;

 private:
  MemoryProducer producer_;
  const std::uint8_t* data_;
  std::size_t size_;
};

class MemoryInputStreamFactory : public DcmInputStreamFactory {
 public:
  MemoryInputStreamFactory(const std::uint8_t* data, std::size_t size, offile_off_t offset)
      : data_(data), size_(size), offset_(offset) {}
  DcmInputStream* create() const override { return new MemoryInputStream(data_, size_, offset_); }
  DcmInputStreamFactory* clone() const override { return new MemoryInputStreamFactory(*this); }
  // Only "file" and "temporary file" exist; ours behaves like a file (never deleted by DCMTK).
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  offile_off_t offset_;
};

DcmInputStreamFactory* MemoryInputStream::newFactory() const {
  // With a compression filter (deflate) positions no longer map to the buffer: load values now.
  if (currentProducer() != &producer_) return nullptr;
  return new MemoryInputStreamFactory(data_, size_, tell());
}

Status LoadFailure(DcmFileFormat& file, const OFCondition& cond) {
  DcmDataset* dataset = file.getDataset();
  if (dataset != nullptr && dataset->tagExists(DCM_PixelData)) {
    return Status::Error(ErrorCode::kCorruptPixelData, "pixel data is truncated or unreadable (" +
                                                           std::string(cond.text()) + ")");
  }
  return Status::Error(ErrorCode::kUnparseableDataset,
                       std::string("not a readable DICOM dataset: ") + cond.text());
}

Status CheckFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return Status::Error(ErrorCode::kNotFound, "no such file");
  }
  if (std::filesystem::is_directory(status)) {
    return Status::Error(ErrorCode::kIoError, "is a directory, not a file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return Status::Error(
        ErrorCode::kIoError,
        "cannot read: " + std::error_code(errno, std::generic_category()).message());
  }
  return Status::Ok();
}

bool IsDecodable(E_TransferSyntax xfer) {
  switch (xfer) {
    case EXS_LittleEndianImplicit:
    case EXS_LittleEndianExplicit:
    case EXS_BigEndianExplicit:
    case EXS_BigEndianImplicit:
    case EXS_DeflatedLittleEndianExplicit:
    case EXS_JPEGProcess1:
    case EXS_JPEGProcess2_4:
    case EXS_JPEGProcess6_8:
    case EXS_JPEGProcess10_12:
    case EXS_JPEGProcess14:
    case EXS_JPEGProcess14SV1:
    case EXS_JPEGLSLossless:
    case EXS_JPEGLSLossy:
    case EXS_RLELossless:
      return true;
    default:
      return false;
  }
}

int GetUint16(DcmItem& item, const DcmTagKey& tag, int fallback) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).good()) return value;
  double number = 0.0;
  if (GetNumber(item, tag, number)) return static_cast<int>(number);
  return fallback;
}

Status Unsupported(const std::string& why) {
  return Status::Error(ErrorCode::kUnsupportedEncoding, why);
}

Status Invalid(const std::string& why) { return Status::Error(ErrorCode::kInvalidArgument, why); }

}  // namespace

Status LoadSource(const DicomSource& source, DcmFileFormat& file) {
  if (source.is_buffer()) {
    if (source.data == nullptr || source.size == 0) {
      return Status::Error(ErrorCode::kInvalidArgument, "empty DICOM buffer");
    }
    MemoryInputStream stream(source.data, source.size, 0);
    file.clear();
    file.transferInit();
    const OFCondition cond = file.read(stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueLength);
    file.transferEnd();
    if (cond.bad()) return LoadFailure(file, cond);
    return Status::Ok();
  }
  if (Status s = CheckFile(source.path); !s.ok()) return s;
  const OFCondition cond = file.loadFile(OFFilename(source.path.c_str()), EXS_Unknown, EGL_noChange,
                                         kMaxLoadedValueLength, ERM_autoDetect);
  if (cond.bad()) return LoadFailure(file, cond);
  return Status::Ok();
}

Status CheckTransferSyntax(DcmFileFormat& file, std::string& ts_uid) {
  ts_uid.clear();
  OFString meta_uid;
  DcmMetaInfo* meta = file.getMetaInfo();
  if (meta != nullptr && meta->findAndGetOFString(DCM_TransferSyntaxUID, meta_uid).good()) {
    ts_uid = meta_uid.c_str();
    while (!ts_uid.empty() && (ts_uid.back() == ' ' || ts_uid.back() == '\0')) ts_uid.pop_back();
  }
  const E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  if (!ts_uid.empty() && DcmXfer(ts_uid.c_str()).getXfer() == EXS_Unknown) {
    return Unsupported("unknown transfer syntax " + ts_uid);
  }
  const DcmXfer info(xfer);
  if (ts_uid.empty()) ts_uid = info.getXferID();
  if (!IsDecodable(xfer)) {
    return Unsupported("transfer syntax " + ts_uid + " (" + info.getXferName() +
                       ") cannot be decoded");
  }
  return Status::Ok();
}

std::size_t PixelFormat::FrameBytes() const {
  const std::size_t bytes = static_cast<std::size_t>(bits_allocated / 8);
  if (!encapsulated && photometric == "YBR_FULL_422") return PixelCount() * 2 * bytes;
  return PixelCount() * static_cast<std::size_t>(samples_per_pixel) * bytes;
}

Result<PixelFormat> ReadPixelFormat(DcmDataset& dataset) {
  DcmElement* pixel_element = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, pixel_element).bad() || pixel_element == nullptr) {
    if (dataset.tagExists(DCM_FloatPixelData) || dataset.tagExists(DCM_DoubleFloatPixelData)) {
      return Unsupported("float pixel data cannot be decoded");
    }
    return Status::Error(ErrorCode::kCorruptPixelData, "no Pixel Data (7FE0,0010)");
  }
  PixelFormat f;
  f.rows = GetUint16(dataset, DCM_Rows, 0);
  f.columns = GetUint16(dataset, DCM_Columns, 0);
  f.samples_per_pixel = GetUint16(dataset, DCM_SamplesPerPixel, 1);
  f.bits_allocated = GetUint16(dataset, DCM_BitsAllocated, 0);
  f.bits_stored = GetUint16(dataset, DCM_BitsStored, f.bits_allocated);
  f.high_bit = GetUint16(dataset, DCM_HighBit, f.bits_stored - 1);
  f.is_signed = GetUint16(dataset, DCM_PixelRepresentation, 0) == 1;
  f.planar_configuration = GetUint16(dataset, DCM_PlanarConfiguration, 0);
  double frames = 1.0;
  if (GetNumber(dataset, DCM_NumberOfFrames, frames) && frames >= 1.0) {
    f.frames = static_cast<int>(frames);
  }
  f.photometric = GetText(dataset, DCM_PhotometricInterpretation);
  if (f.photometric.empty()) f.photometric = f.samples_per_pixel == 3 ? "RGB" : "MONOCHROME2";
  auto* pixel_data = static_cast<DcmPixelData*>(pixel_element);
  const E_TransferSyntax xfer = dataset.getOriginalXfer();
  f.encapsulated =
      DcmXfer(xfer).isEncapsulated() && pixel_data->getLengthField() == DCM_UndefinedLength;

  if (f.rows <= 0 || f.columns <= 0) {
    return Invalid("Rows/Columns missing or zero (" + std::to_string(f.rows) + "x" +
                   std::to_string(f.columns) + ")");
  }
  if (f.bits_allocated != 8 && f.bits_allocated != 16) {
    return Unsupported("Bits Allocated " + std::to_string(f.bits_allocated) +
                       " is not supported (8 or 16)");
  }
  if (f.bits_stored < 1 || f.bits_stored > f.bits_allocated) {
    return Invalid("Bits Stored " + std::to_string(f.bits_stored) +
                   " does not fit Bits Allocated " + std::to_string(f.bits_allocated));
  }
  if (f.high_bit < f.bits_stored - 1 || f.high_bit >= f.bits_allocated) {
    f.high_bit = f.bits_stored - 1;  // nonsensical High Bit: use the usual layout
  }
  if (f.samples_per_pixel != 1 && f.samples_per_pixel != 3) {
    return Unsupported("Samples per Pixel " + std::to_string(f.samples_per_pixel) +
                       " is not supported");
  }
  if (f.photometric == "PALETTE COLOR")
    return Unsupported("PALETTE COLOR images are not supported");
  return f;
}

Status ReadFrame(DcmDataset& dataset, const PixelFormat& format, int frame,
                 std::uint32_t& start_fragment, void* buffer, std::size_t buffer_size,
                 std::string& color_model) {
  DcmElement* element = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
    return Status::Error(ErrorCode::kCorruptPixelData, "no Pixel Data (7FE0,0010)");
  }
  auto* pixel_data = static_cast<DcmPixelData*>(element);
  const std::size_t frame_bytes = format.FrameBytes();
  if (buffer_size < frame_bytes + (frame_bytes & 1)) {
    return Status::Error(ErrorCode::kInternal, "frame buffer too small");
  }
  if (!format.encapsulated) {
    // Native: read our own frame size (DCMTK's ignores YBR_FULL_422 subsampling).
    const std::size_t offset = frame_bytes * static_cast<std::size_t>(frame);
    const std::size_t length = pixel_data->getLengthField();
    if (length == DCM_UndefinedLength || offset + frame_bytes > length) {
      return Status::Error(ErrorCode::kCorruptPixelData,
                           "pixel data holds " + std::to_string(length) + " bytes, frame " +
                               std::to_string(frame + 1) + " needs bytes up to " +
                               std::to_string(offset + frame_bytes));
    }
    const OFCondition cond = pixel_data->getPartialValue(buffer, static_cast<Uint32>(offset),
                                                         static_cast<Uint32>(frame_bytes));
    if (cond.bad()) {
      return Status::Error(ErrorCode::kCorruptPixelData,
                           std::string("cannot read pixel data: ") + cond.text());
    }
    color_model = format.photometric;
    return Status::Ok();
  }
  EnsureDecodersRegistered();
  OFString model;
  Uint32 fragment = start_fragment;
  const OFCondition cond =
      pixel_data->getUncompressedFrame(&dataset, static_cast<Uint32>(frame), fragment, buffer,
                                       static_cast<Uint32>(buffer_size), model);
  if (cond.bad()) {
    return Status::Error(ErrorCode::kCorruptPixelData,
                         "cannot decode frame " + std::to_string(frame + 1) + ": " + cond.text());
  }
  start_fragment = fragment;
  color_model = model.empty() ? format.photometric : std::string(model.c_str());
  return Status::Ok();
}

std::string GetText(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  std::string text(value.c_str());
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  const std::size_t first = text.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : text.substr(first);
}

bool GetNumber(DcmItem& item, const DcmTagKey& tag, double& value, unsigned long index) {
  DcmElement* element = nullptr;
  if (item.findAndGetElement(tag, element).bad() || element == nullptr) return false;
  if (element->getVM() <= index) return false;
  Float64 f64 = 0.0;
  if (element->getFloat64(f64, index).good()) {
    value = f64;
    return true;
  }
  Float32 f32 = 0.0f;
  if (element->getFloat32(f32, index).good()) {
    value = f32;
    return true;
  }
  Sint32 s32 = 0;
  if (element->getSint32(s32, index).good()) {
    value = s32;
    return true;
  }
  Uint16 u16 = 0;
  if (element->getUint16(u16, index).good()) {
    value = u16;
    return true;
  }
  Sint16 s16 = 0;
  if (element->getSint16(s16, index).good()) {
    value = s16;
    return true;
  }
  return false;
}

bool GetStoredValue(DcmItem& item, const DcmTagKey& tag, bool is_signed, std::int32_t& value) {
  // US or SS depending on Pixel Representation (and sometimes mislabelled): take the 16 bits and
  // interpret them as the pixel data does.
  DcmElement* element = nullptr;
  if (item.findAndGetElement(tag, element).bad() || element == nullptr) return false;
  if (element->getVM() < 1) return false;
  std::uint16_t bits = 0;
  Uint16 u16 = 0;
  Sint16 s16 = 0;
  if (element->getUint16(u16).good()) {
    bits = u16;
  } else if (element->getSint16(s16).good()) {
    bits = static_cast<std::uint16_t>(s16);
  } else {
    double number = 0.0;
    if (!GetNumber(item, tag, number)) return false;
    value = static_cast<std::int32_t>(number);
    return true;
  }
  value = is_signed ? static_cast<std::int32_t>(static_cast<std::int16_t>(bits))
                    : static_cast<std::int32_t>(bits);
  return true;
}

}  // namespace internal
}  // namespace alveo::dicom
