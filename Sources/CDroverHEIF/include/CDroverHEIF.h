#ifndef CDROVER_HEIF_H
#define CDROVER_HEIF_H

// A small C layer over libheif's reader, for HEIC (HEVC through libde265) and AVIF (AV1 through dav1d or aom) inputs.
// libheif returns error structs (it never jumps); each is mapped to a status code of CDroverImaging.h and a message.
// libheif applies the file's transformations (clap, irot, imir) while decoding: the size in the header is the size
// after them, and the pixels come out as the file asks them to be shown.

#include "CDroverImaging.h"

/// What the header of a HEIF file says about its primary image.
typedef struct {
    /// Size after the file's crop, rotation and mirroring: the size `drover_heif_decode` writes.
    uint32_t width;
    uint32_t height;
    int has_alpha;
    /// Bits per luma sample in the file (8, 10, 12); pixels are decoded to 8 bits.
    int bit_depth;
    /// 1 when the file's alpha is premultiplied (the decoder returns it straight).
    int premultiplied_alpha;
} drover_heif_info;

typedef struct drover_heif_decoder drover_heif_decoder;

/// A decoder over `size` bytes at `data`, which must stay valid until the decoder is destroyed.
drover_heif_decoder *drover_heif_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits);
void drover_heif_decoder_destroy(drover_heif_decoder *decoder);
/// The message of the last error.
const char *drover_heif_decoder_message(const drover_heif_decoder *decoder);

/// Parses the file's boxes (no pixel is decoded) and reads the primary image's size, ICC profile and EXIF block,
/// checking the limits.
int drover_heif_read_header(drover_heif_decoder *decoder, drover_heif_info *info);
/// The EXIF block (the TIFF data, past the HEIF offset field), or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_heif_exif(const drover_heif_decoder *decoder, size_t *length);
/// The ICC profile (a `prof` or `rICC` colour box), or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_heif_icc(const drover_heif_decoder *decoder, size_t *length);
/// The H.273 colour code points of an `nclx` colour box, and the chromaticities its primaries stand for.
typedef struct {
    int primaries;
    int transfer;
    /// x, y of red, green, blue and white.
    double chromaticities[8];
} drover_heif_nclx;

/// Fills `nclx` and returns 1 when the primary image has an `nclx` colour box; 0 otherwise.
int drover_heif_get_nclx(const drover_heif_decoder *decoder, drover_heif_nclx *nclx);

/// Decodes the primary image into `pixels`, rows of `stride` bytes of `channels` (3: RGB, 4: RGBA, straight alpha)
/// 8-bit samples.
int drover_heif_decode(drover_heif_decoder *decoder, uint8_t *pixels, size_t stride, int channels);

#endif
