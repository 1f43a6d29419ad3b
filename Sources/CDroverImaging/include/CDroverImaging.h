#ifndef CDROVER_IMAGING_H
#define CDROVER_IMAGING_H

// A small C layer over libjpeg(-turbo) and libpng. Both libraries report a fatal error by calling a function that
// must not return; every entry point here owns the setjmp for the library calls it makes, so an error comes back to
// Swift as a status code and a message in the handle, never as a longjmp across Swift frames.

#include <stddef.h>
#include <stdint.h>
// Extended attributes, for the mark a batch leaves on the files it writes (OutputMark.swift).
#include <sys/xattr.h>

/// Status codes returned by every function below.
enum {
    DROVER_IMG_OK = 0,
    /// The data is not a valid image of the expected format, or it is truncated or corrupt.
    DROVER_IMG_CORRUPT = 1,
    /// The image is larger than the limits given (width, height, pixels, scans).
    DROVER_IMG_LIMIT = 2,
    /// The image is valid but uses a feature this layer does not handle.
    DROVER_IMG_UNSUPPORTED = 3,
    /// Out of memory.
    DROVER_IMG_MEMORY = 4,
};

/// Frees a buffer returned by an encode or transcode function.
void drover_img_free(void *pointer);

// MARK: - JPEG

/// Limits applied while reading; zero means no limit of that kind.
typedef struct {
    uint32_t max_width;
    uint32_t max_height;
    uint64_t max_pixels;
    /// Maximum number of scans in a progressive file (each scan costs a pass over the coefficients).
    int max_scans;
} drover_img_limits;

/// What the header of a JPEG file says, and the size `drover_jpeg_start` will produce.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// 1 grayscale, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK (libjpeg's J_COLOR_SPACE values).
    int color_space;
    int components;
    int progressive;
    uint32_t output_width;
    uint32_t output_height;
    /// 1 (gray), 3 (RGB) or 4 (CMYK, after `drover_jpeg_keep_cmyk`): what `drover_jpeg_read_rows` writes.
    int output_channels;
} drover_jpeg_info;

typedef struct drover_jpeg_decoder drover_jpeg_decoder;

/// A decoder over `size` bytes at `data`, which must stay valid until the decoder is destroyed.
drover_jpeg_decoder *drover_jpeg_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits);
void drover_jpeg_decoder_destroy(drover_jpeg_decoder *decoder);
/// The message of the last error.
const char *drover_jpeg_decoder_message(const drover_jpeg_decoder *decoder);

/// Reads the header and the APP1 (EXIF) and APP2 (ICC) markers, checking the limits before any pixel buffer exists.
int drover_jpeg_read_header(drover_jpeg_decoder *decoder, drover_jpeg_info *info);
/// The EXIF block (the TIFF data after "Exif\0\0"), or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_jpeg_exif(const drover_jpeg_decoder *decoder, size_t *length);
/// The assembled ICC profile, or NULL. Valid until the decoder is destroyed.
const uint8_t *drover_jpeg_icc(drover_jpeg_decoder *decoder, size_t *length);
/// Starts decompression at 1/`scale_denom` size (1, 2, 4 or 8, in the DCT domain) and fills the output fields.
int drover_jpeg_start(drover_jpeg_decoder *decoder, int scale_denom, drover_jpeg_info *info);

/// Makes `drover_jpeg_read_rows` write CMYK and YCCK files as 4 samples of CMYK per pixel, as stored, for a color
/// management system to convert with the file's profile (see `drover_jpeg_cmyk_inverted`). Call before
/// `drover_jpeg_start`.
void drover_jpeg_keep_cmyk(drover_jpeg_decoder *decoder);
/// Whether CMYK samples are stored inverted, 255 meaning no ink (the file has an Adobe marker, as Photoshop writes).
int drover_jpeg_cmyk_inverted(const drover_jpeg_decoder *decoder);

/// Decodes the next `count` rows (fewer at the end of the image) into `pixels`, rows of `stride` bytes.
/// CMYK and YCCK become RGB (ink × black), unless `drover_jpeg_keep_cmyk` was called.
int drover_jpeg_read_rows(drover_jpeg_decoder *decoder, uint8_t *pixels, size_t stride, uint32_t count);
/// Reads to the end of the file after the last row (trailing corruption is reported here).
int drover_jpeg_finish(drover_jpeg_decoder *decoder);

/// Options for writing a JPEG.
typedef struct {
    int quality;
    int progressive;
    int optimize_coding;
    /// Chroma subsampling: 444, 422 or 420.
    int subsampling;
    const uint8_t *icc;
    size_t icc_length;
    /// A TIFF block written as an APP1 "Exif" marker, or NULL.
    const uint8_t *exif;
    size_t exif_length;
    /// With 4 channels: 4 writes CMYK, 5 writes YCCK (both with an Adobe marker, samples as given).
    int cmyk_color_space;
} drover_jpeg_write_options;

/// Encodes `channels` (1, 3, or 4 for CMYK) 8-bit samples per pixel. On success `*output` is a buffer to free with
/// `drover_img_free`. On failure `message` (of `message_size` bytes) says why.
int drover_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_jpeg_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size);

/// Rewrites a JPEG losslessly from its DCT coefficients (as jpegtran does): optimized Huffman tables, optionally
/// progressive, markers dropped except an ICC profile (when `keep_icc`) and the EXIF block in `options`.
int drover_jpeg_transcode(const uint8_t *data, size_t size, drover_img_limits limits, int progressive, int keep_icc,
                          const uint8_t *exif, size_t exif_length, uint8_t **output, size_t *output_length,
                          char *message, size_t message_size);

// MARK: - PNG

/// What the header of a PNG file says, and what `drover_png_read` will produce after `drover_png_start`.
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    /// libpng's color type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    int color_type;
    int interlaced;
    int has_trns;
    /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    int output_channels;
    /// 8 or 16 (16-bit samples are big-endian).
    int output_depth;
    /// Gamma from gAMA times 100000, or 0.
    int gamma;
    /// Rendering intent from sRGB, or -1.
    int srgb_intent;
} drover_png_info;

typedef struct drover_png_decoder drover_png_decoder;

drover_png_decoder *drover_png_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits);
void drover_png_decoder_destroy(drover_png_decoder *decoder);
const char *drover_png_decoder_message(const drover_png_decoder *decoder);
/// Reads the chunks before the image data, with libpng's user limits set from `limits`.
int drover_png_read_header(drover_png_decoder *decoder, drover_png_info *info);
const uint8_t *drover_png_exif(const drover_png_decoder *decoder, size_t *length);
const uint8_t *drover_png_icc(const drover_png_decoder *decoder, size_t *length);
/// Sets up the expansion to 1–4 channels of 8 bits (or 16 when `keep16` and the file has 16-bit samples).
int drover_png_start(drover_png_decoder *decoder, int keep16, drover_png_info *info);
/// Decodes every row (interlaced files included) into `pixels`, rows of `stride` bytes.
int drover_png_read(drover_png_decoder *decoder, uint8_t *pixels, size_t stride);

/// Decodes the next `count` rows of a non-interlaced image into `pixels`, rows of `stride` bytes.
int drover_png_read_rows(drover_png_decoder *decoder, uint8_t *pixels, size_t stride, uint32_t count);
/// Reads the chunks after the image data.
int drover_png_finish(drover_png_decoder *decoder);

/// Options for writing a PNG.
typedef struct {
    /// libpng color type (0, 2, 3, 4, 6) and bit depth (1, 2, 4, 8, 16) of the rows given.
    int color_type;
    int bit_depth;
    /// For color type 3: `palette_count` RGB triplets and `trns_count` alpha values.
    const uint8_t *palette;
    int palette_count;
    const uint8_t *trns;
    int trns_count;
    /// libpng filter flags (PNG_FILTER_NONE = 0x08 ... PNG_ALL_FILTERS = 0xf8).
    int filters;
    int level;
    int strategy;
    int mem_level;
    const uint8_t *icc;
    size_t icc_length;
    int gamma;
    int srgb_intent;
    /// Write an Adam7-interlaced file.
    int interlace;
    /// For gray and RGB: a transparent key color (tRNS), when `has_trns_key`.
    int has_trns_key;
    uint16_t trns_key[3];
} drover_png_write_options;

/// Encodes rows of one byte per sample (one byte per palette index or sub-byte gray sample: libpng packs them;
/// 16-bit samples big-endian). On success `*output` is a buffer to free with `drover_img_free`.
int drover_png_encode(const uint8_t *rows, uint32_t width, uint32_t height, size_t stride,
                      const drover_png_write_options *options, uint8_t **output, size_t *output_length,
                      char *message, size_t message_size);

#endif
