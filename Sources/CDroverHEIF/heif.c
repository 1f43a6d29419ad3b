// HEIF (HEIC and AVIF) reading through libheif, from memory. libheif returns a heif_error from each call that may
// fail; each is mapped here to a DROVER_IMG_* code, its message copied into the decoder.

#include "CDroverHEIF.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libheif/heif.h>

struct drover_heif_decoder {
    const uint8_t *data;
    size_t size;
    drover_img_limits limits;
    struct heif_context *context;
    struct heif_image_handle *handle;
    drover_heif_info info;
    uint8_t *exif_block;
    size_t exif_offset;
    size_t exif_length;
    uint8_t *icc;
    size_t icc_length;
    char message[256];
};

static int drover_heif_fail(drover_heif_decoder *decoder, int code, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(decoder->message, sizeof(decoder->message), format, arguments);
    va_end(arguments);
    return code;
}

/// Maps a libheif error (DROVER_IMG_OK when there is none).
static int drover_heif_check(drover_heif_decoder *decoder, struct heif_error error) {
    if (error.code == heif_error_Ok) return DROVER_IMG_OK;
    int code;
    if (error.subcode == heif_suberror_Security_limit_exceeded) {
        code = DROVER_IMG_LIMIT;
    } else if (error.code == heif_error_Memory_allocation_error) {
        code = DROVER_IMG_MEMORY;
    } else if (error.code == heif_error_Unsupported_feature || error.code == heif_error_Unsupported_filetype) {
        code = DROVER_IMG_UNSUPPORTED;
    } else {
        code = DROVER_IMG_CORRUPT;
    }
    return drover_heif_fail(decoder, code, "%s", error.message ? error.message : "libheif error");
}

static pthread_once_t drover_heif_once = PTHREAD_ONCE_INIT;

/// Registers libheif's codecs once per process (heif_init is reference-counted; it is never undone).
static void drover_heif_initialize(void) { heif_init(NULL); }

drover_heif_decoder *drover_heif_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits) {
    pthread_once(&drover_heif_once, drover_heif_initialize);
    drover_heif_decoder *decoder = calloc(1, sizeof(drover_heif_decoder));
    if (!decoder) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->limits = limits;
    return decoder;
}

void drover_heif_decoder_destroy(drover_heif_decoder *decoder) {
    if (!decoder) return;
    if (decoder->handle) heif_image_handle_release(decoder->handle);
    if (decoder->context) heif_context_free(decoder->context);
    free(decoder->exif_block);
    free(decoder->icc);
    free(decoder);
}

const char *drover_heif_decoder_message(const drover_heif_decoder *decoder) { return decoder->message; }

/// Reads the ICC profile and the first EXIF block of the primary image.
static int drover_heif_read_metadata(drover_heif_decoder *decoder) {
    struct heif_image_handle *handle = decoder->handle;
    enum heif_color_profile_type type = heif_image_handle_get_color_profile_type(handle);
    if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
        size_t length = heif_image_handle_get_raw_color_profile_size(handle);
        if (length) {
            decoder->icc = malloc(length);
            if (!decoder->icc) return drover_heif_fail(decoder, DROVER_IMG_MEMORY, "out of memory");
            int status = drover_heif_check(decoder, heif_image_handle_get_raw_color_profile(handle, decoder->icc));
            if (status != DROVER_IMG_OK) return status;
            decoder->icc_length = length;
        }
    }
    heif_item_id id;
    if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) == 1) {
        size_t length = heif_image_handle_get_metadata_size(handle, id);
        if (length > 4) {
            decoder->exif_block = malloc(length);
            if (!decoder->exif_block) return drover_heif_fail(decoder, DROVER_IMG_MEMORY, "out of memory");
            int status = drover_heif_check(decoder, heif_image_handle_get_metadata(handle, id, decoder->exif_block));
            if (status != DROVER_IMG_OK) return status;
            // The block starts with a 32-bit big-endian offset from its end to the TIFF header.
            const uint8_t *b = decoder->exif_block;
            size_t offset = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
            if (offset <= length - 4) {
                decoder->exif_offset = 4 + offset;
                decoder->exif_length = length - 4 - offset;
            }
        }
    }
    return DROVER_IMG_OK;
}

int drover_heif_read_header(drover_heif_decoder *decoder, drover_heif_info *info) {
    drover_img_limits limits = decoder->limits;
    decoder->context = heif_context_alloc();
    if (!decoder->context) return drover_heif_fail(decoder, DROVER_IMG_MEMORY, "out of memory");
    // libheif refuses, while parsing, an image whose side reaches this; the area is checked below.
    uint32_t side = limits.max_width > limits.max_height ? limits.max_width : limits.max_height;
    if (side && side < 0x7ffffffe) heif_context_set_maximum_image_size_limit(decoder->context, (int)side + 1);
    // Tiles are decoded on this thread: the batch already runs one worker per core.
    heif_context_set_max_decoding_threads(decoder->context, 0);
    int status = drover_heif_check(decoder, heif_context_read_from_memory_without_copy(decoder->context, decoder->data,
                                                                                       decoder->size, NULL));
    if (status != DROVER_IMG_OK) return status;
    status = drover_heif_check(decoder, heif_context_get_primary_image_handle(decoder->context, &decoder->handle));
    if (status != DROVER_IMG_OK) return status;
    struct heif_image_handle *handle = decoder->handle;
    int width = heif_image_handle_get_width(handle);
    int height = heif_image_handle_get_height(handle);
    if (width <= 0 || height <= 0) return drover_heif_fail(decoder, DROVER_IMG_CORRUPT, "the primary image has no size");
    info->width = (uint32_t)width;
    info->height = (uint32_t)height;
    info->has_alpha = heif_image_handle_has_alpha_channel(handle) ? 1 : 0;
    info->bit_depth = heif_image_handle_get_luma_bits_per_pixel(handle);
    info->premultiplied_alpha = info->has_alpha && heif_image_handle_is_premultiplied_alpha(handle) ? 1 : 0;
    if ((limits.max_width && info->width > limits.max_width) || (limits.max_height && info->height > limits.max_height) ||
        (limits.max_pixels && (uint64_t)info->width * info->height > limits.max_pixels)) {
        return drover_heif_fail(decoder, DROVER_IMG_LIMIT, "image is %u x %u pixels, over the limit", info->width,
                                info->height);
    }
    decoder->info = *info;
    return drover_heif_read_metadata(decoder);
}

const uint8_t *drover_heif_exif(const drover_heif_decoder *decoder, size_t *length) {
    *length = decoder->exif_length;
    return decoder->exif_length ? decoder->exif_block + decoder->exif_offset : NULL;
}

const uint8_t *drover_heif_icc(const drover_heif_decoder *decoder, size_t *length) {
    *length = decoder->icc_length;
    return decoder->icc;
}

/// Copies `rows` rows of interleaved samples, making premultiplied alpha straight.
static void drover_heif_copy(const uint8_t *plane, int plane_stride, uint8_t *pixels, size_t stride, uint32_t width,
                             uint32_t rows, int channels, int unpremultiply) {
    for (uint32_t y = 0; y < rows; y++) {
        const uint8_t *in = plane + (size_t)y * (size_t)plane_stride;
        uint8_t *out = pixels + y * stride;
        memcpy(out, in, (size_t)width * channels);
        if (!unpremultiply) continue;
        for (uint32_t x = 0; x < width; x++, out += 4) {
            unsigned alpha = out[3];
            if (alpha == 0 || alpha == 255) continue;
            for (int c = 0; c < 3; c++) {
                unsigned value = (out[c] * 255u + alpha / 2) / alpha;
                out[c] = (uint8_t)(value > 255 ? 255 : value);
            }
        }
    }
}

int drover_heif_decode(drover_heif_decoder *decoder, uint8_t *pixels, size_t stride, int channels) {
    if (!decoder->handle || (channels != 3 && channels != 4)) {
        return drover_heif_fail(decoder, DROVER_IMG_UNSUPPORTED, "decode called without a header or with %d channels",
                                channels);
    }
    struct heif_decoding_options *options = heif_decoding_options_alloc();
    if (!options) return drover_heif_fail(decoder, DROVER_IMG_MEMORY, "out of memory");
    options->convert_hdr_to_8bit = 1;
    struct heif_image *image = NULL;
    int status = drover_heif_check(
        decoder, heif_decode_image(decoder->handle, &image, heif_colorspace_RGB,
                                   channels == 4 ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options));
    heif_decoding_options_free(options);
    if (status != DROVER_IMG_OK) return status;
    int plane_stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &plane_stride);
    int width = heif_image_get_width(image, heif_channel_interleaved);
    int height = heif_image_get_height(image, heif_channel_interleaved);
    if (!plane || width != (int)decoder->info.width || height != (int)decoder->info.height ||
        heif_image_get_bits_per_pixel_range(image, heif_channel_interleaved) != 8) {
        status = drover_heif_fail(decoder, DROVER_IMG_CORRUPT, "decoded image is %d x %d, the header said %u x %u", width,
                                  height, decoder->info.width, decoder->info.height);
    } else {
        drover_heif_copy(plane, plane_stride, pixels, stride, decoder->info.width, decoder->info.height, channels,
                         channels == 4 && decoder->info.premultiplied_alpha);
    }
    heif_image_release(image);
    return status;
}

int drover_heif_get_nclx(const drover_heif_decoder *decoder, drover_heif_nclx *nclx) {
    memset(nclx, 0, sizeof(*nclx));
    if (!decoder->handle) return 0;
    struct heif_color_profile_nclx *profile = NULL;
    struct heif_error error = heif_image_handle_get_nclx_color_profile(decoder->handle, &profile);
    if (error.code != heif_error_Ok || !profile) return 0;
    nclx->primaries = (int)profile->color_primaries;
    nclx->transfer = (int)profile->transfer_characteristics;
    const float values[8] = {
        profile->color_primary_red_x, profile->color_primary_red_y, profile->color_primary_green_x,
        profile->color_primary_green_y, profile->color_primary_blue_x, profile->color_primary_blue_y,
        profile->color_primary_white_x, profile->color_primary_white_y,
    };
    for (int index = 0; index < 8; index++) nclx->chromaticities[index] = values[index];
    heif_nclx_color_profile_free(profile);
    return 1;
}
