#ifndef CDROVER_AVIF_H
#define CDROVER_AVIF_H

// A small C layer over libavif's encoder (AV1 through whichever encoder libavif was built with; aom on Debian).
// libavif returns result codes; each is mapped to a status code of CDroverImaging.h and a message. Note: libavif
// 0.11 aborts when malloc fails (its avifAlloc); Drover cannot catch that, as with any allocation in Swift.
// AVIF files are read through CDroverHEIF.

#include "CDroverImaging.h"

/// Options for writing an AVIF.
typedef struct {
    /// 1–100, mapped linearly to AV1 quantizers 63–0 (the mapping libavif 1.x uses for its own quality setting).
    int quality;
    /// 0 (slowest, smallest) to 10 (fastest).
    int speed;
    /// Chroma subsampling of color images: 444, 422 or 420. Gray images are written as 4:0:0.
    int subsampling;
    /// An ICC profile to embed; without one, the nclx box says sRGB (BT.709 primaries, sRGB transfer).
    const uint8_t *icc;
    size_t icc_length;
    /// A TIFF block to embed as EXIF, or NULL; its orientation is also written as irot/imir (libavif does this).
    const uint8_t *exif;
    size_t exif_length;
} drover_avif_write_options;

/// The AV1 quantizer (0 best – 63 worst) for a quality of 1–100.
int drover_avif_quantizer(int quality);

/// Encodes `channels` (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA with straight alpha) 8-bit samples per pixel as an 8-bit
/// AVIF (YUV, full range, BT.601 matrix). On success `*output` is a buffer to free with `drover_img_free`.
int drover_avif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_avif_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size);

#endif
