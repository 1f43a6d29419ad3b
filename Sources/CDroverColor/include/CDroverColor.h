#ifndef CDROVER_COLOR_H
#define CDROVER_COLOR_H

// A small C layer over LittleCMS 2: ICC profiles read from untrusted bytes, checked, and turned into transforms to
// sRGB. LittleCMS never jumps; it reports errors through a log handler and NULL results. Every profile and transform
// here lives in its own LittleCMS context, whose error handler records the first message in that context's state (so
// messages of transforms built on different threads never mix) and whose allocator is bounded, so a hostile profile
// cannot make it allocate without limit. Functions return a status code and, on failure, a message.

#include <stddef.h>
#include <stdint.h>

/// Status codes, the same values as CDroverImaging's.
enum {
    DROVER_COLOR_OK = 0,
    /// The profile is malformed: LittleCMS could not parse it, or it describes nothing a transform can use.
    DROVER_COLOR_CORRUPT = 1,
    /// The profile breaks a limit (its size, or the memory its transform needs).
    DROVER_COLOR_LIMIT = 2,
    /// The profile is valid but of a kind this layer does not convert (not RGB, gray or CMYK; a device link,
    /// abstract or named-color profile), or the pixel layout does not fit it.
    DROVER_COLOR_UNSUPPORTED = 3,
    DROVER_COLOR_MEMORY = 4,
};

/// Largest profile accepted, in bytes (a JPEG can carry about 16 MB of profile; real ones are 0.5 KB to 2 MB).
#define DROVER_COLOR_MAX_PROFILE_BYTES (16u * 1024u * 1024u)

/// Pixel layouts of 8-bit interleaved samples.
enum {
    DROVER_COLOR_GRAY = 1,
    DROVER_COLOR_GRAY_ALPHA = 2,
    DROVER_COLOR_RGB = 3,
    DROVER_COLOR_RGBA = 4,
    /// 4 samples of ink per pixel, 0 = no ink.
    DROVER_COLOR_CMYK = 5,
    /// 4 samples of ink per pixel stored inverted, 255 = no ink (Adobe JPEGs).
    DROVER_COLOR_CMYK_INVERTED = 6,
};

/// The color space of a profile's device side.
enum {
    DROVER_COLOR_SPACE_GRAY = 1,
    DROVER_COLOR_SPACE_RGB = 3,
    DROVER_COLOR_SPACE_CMYK = 4,
};

/// What a profile's header and description say.
typedef struct {
    /// DROVER_COLOR_SPACE_GRAY, _RGB or _CMYK.
    int space;
    /// The ICC device class signature ('mntr', 'scnr', 'prtr' or 'spac').
    uint32_t device_class;
    /// The ICC version, e.g. 0x04300000 for 4.3.
    uint32_t version;
    /// The profile's description (its 'desc' tag, in English where there is a choice), NUL-terminated.
    char description[128];
} drover_color_profile_info;

/// A transform from one profile to sRGB for one input layout.
typedef struct drover_color_transform drover_color_transform;

/// Opens the `length` bytes of an ICC profile, checks them and fills `info`. Refuses profiles larger than
/// DROVER_COLOR_MAX_PROFILE_BYTES, that LittleCMS cannot parse, and those whose device side is not gray, RGB or CMYK
/// or whose class is not input, display, output or color space.
int drover_color_inspect(const uint8_t *icc, size_t length, drover_color_profile_info *info, char *message,
                         size_t message_size);

/// Builds a transform from the profile in `icc` to sRGB for pixels of `layout` (a DROVER_COLOR_ layout value):
/// relative colorimetric intent, no black point compensation, 8 bits in and out. Gray goes to gray with the sRGB
/// tone curve (one channel stays one channel); RGB goes to sRGB; CMYK goes to 3-channel sRGB. Alpha is copied
/// unchanged. The layout must match the profile's space. On success `*transform` is to be destroyed with
/// `drover_color_transform_destroy`. The transform may be used from several threads at once.
int drover_color_transform_create(const uint8_t *icc, size_t length, int layout, drover_color_transform **transform,
                                  char *message, size_t message_size);

void drover_color_transform_destroy(drover_color_transform *transform);

/// Tone curves ``drover_color_rgb_profile`` can build, by their H.273 transfer characteristics code.
enum {
    /// IEC 61966-2-1 (sRGB): code 13.
    DROVER_COLOR_CURVE_SRGB = 13,
    /// BT.709 (also BT.601, BT.2020 10 and 12 bits): codes 1, 6, 14, 15.
    DROVER_COLOR_CURVE_BT709 = 1,
    /// Gamma 2.2 (code 4), gamma 2.8 (code 5), linear (code 8).
    DROVER_COLOR_CURVE_GAMMA22 = 4,
    DROVER_COLOR_CURVE_GAMMA28 = 5,
    DROVER_COLOR_CURVE_LINEAR = 8,
};

/// Builds an RGB ICC profile (v4, matrix and curves) from chromaticities (x, y of red, green, blue and white) and a
/// tone curve (a DROVER_COLOR_CURVE_ value), described as `description`. For images that state their colours as
/// H.273 code points (an AVIF or HEIC `nclx` box) rather than with an ICC profile. On success `*icc` is a buffer
/// of `*length` bytes to free with `free`.
int drover_color_rgb_profile(const double chromaticities[8], int curve, const char *description, uint8_t **icc,
                             size_t *length, char *message, size_t message_size);

/// Samples per pixel that `drover_color_transform_apply` reads and writes.
int drover_color_transform_input_channels(const drover_color_transform *transform);
int drover_color_transform_output_channels(const drover_color_transform *transform);

/// Converts `rows` rows of `width` pixels from `input` (rows `input_stride` bytes apart) to `output` (rows
/// `output_stride` bytes apart). `input` and `output` may be the same buffer when the input and output pixels have
/// the same size (gray, RGB, RGBA: in place).
void drover_color_transform_apply(const drover_color_transform *transform, const uint8_t *input, size_t input_stride,
                                  uint8_t *output, size_t output_stride, uint32_t width, uint32_t rows);

#endif
