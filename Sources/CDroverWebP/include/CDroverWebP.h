#ifndef CDROVER_WEBP_H
#define CDROVER_WEBP_H

// A small C layer over libwebp (decode, encode), libwebpdemux (the ICC and EXIF chunks of an input) and libwebpmux
// (the same chunks in an output). libwebp reports errors as return values, so nothing here jumps; every entry point
// returns a status code of CDroverImaging.h and a message.

#include "CDroverImaging.h"

/// What the header of a WebP file says.
typedef struct {
    uint32_t width;
    uint32_t height;
    int has_alpha;
    /// 1 when the file is an animation (refused by `drover_webp_read_header`).
    int has_animation;
    /// 1 lossy (VP8), 2 lossless (VP8L), 0 mixed or undefined.
    int format;
} drover_webp_info;

typedef struct drover_webp_decoder drover_webp_decoder;

/// A decoder over `size` bytes at `data`, which must stay valid until the decoder is destroyed.
drover_webp_decoder *drover_webp_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits);
void drover_webp_decoder_destroy(drover_webp_decoder *decoder);
/// The message of the last error.
const char *drover_webp_decoder_message(const drover_webp_decoder *decoder);

/// Reads the header and the ICCP and EXIF chunks, checking the limits before any pixel buffer exists.
int drover_webp_read_header(drover_webp_decoder *decoder, drover_webp_info *info);
/// The EXIF chunk (TIFF data; a leading "Exif\0\0" is skipped), or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_webp_exif(const drover_webp_decoder *decoder, size_t *length);
/// The ICC profile, or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_webp_icc(const drover_webp_decoder *decoder, size_t *length);
/// Decodes the whole image into `pixels`, rows of `stride` bytes of `channels` (3: RGB, 4: RGBA with straight alpha)
/// samples.
int drover_webp_decode(drover_webp_decoder *decoder, uint8_t *pixels, size_t stride, int channels);

/// Options for writing a WebP.
typedef struct {
    /// Lossy: quality 0–100. Lossless: the effort spent on compression (0–100).
    int quality;
    int lossless;
    /// Speed/size trade-off, 0 (fast) to 6 (smallest).
    int method;
    const uint8_t *icc;
    size_t icc_length;
    /// A TIFF block written as an EXIF chunk, or NULL.
    const uint8_t *exif;
    size_t exif_length;
} drover_webp_write_options;

/// Encodes `channels` (3 or 4, alpha straight) 8-bit samples per pixel. A lossless encoding keeps every sample, the
/// colors under transparent pixels included. On success `*output` is a buffer to free with `drover_img_free`.
int drover_webp_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_webp_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size);

#endif
