// SPDX-License-Identifier: Apache-2.0
// Image2D: one 2-D image (a radiograph, a projection, a mask) with its pixel spacing in
// millimetres. Decoded radiographs are float (stored values after modality rescale, any bit depth
// or sign); uint16 holds raw stored values and uint8 masks. Thread-safety: plain values; concurrent
// reads are safe. Ownership: an image owns its pixels in one contiguous std::vector, row-major.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace alveo {

template <typename T>
struct BasicImage2D {
  int width = 0;           // columns
  int height = 0;          // rows
  double spacing_x = 1.0;  // mm between column centres (second value of DICOM PixelSpacing)
  double spacing_y = 1.0;  // mm between row centres (first value of DICOM PixelSpacing)
  std::vector<T> pixels;

  BasicImage2D() = default;
  BasicImage2D(int w, int h, T fill = T{})
      : width(w),
        height(h),
        pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), fill) {}

  std::size_t PixelCount() const { return pixels.size(); }
  std::size_t Index(int x, int y) const {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
           static_cast<std::size_t>(x);
  }
  bool Contains(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  T& At(int x, int y) { return pixels[Index(x, y)]; }
  const T& At(int x, int y) const { return pixels[Index(x, y)]; }
  T* Row(int y) { return pixels.data() + Index(0, y); }
  const T* Row(int y) const { return pixels.data() + Index(0, y); }
};

using Image2D = BasicImage2D<float>;             // intensities (decoded, any bit depth)
using Image2DU16 = BasicImage2D<std::uint16_t>;  // raw stored values
using Mask2D = BasicImage2D<std::uint8_t>;       // masks and label maps

}  // namespace alveo
