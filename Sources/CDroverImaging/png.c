// PNG reading and writing through libpng, from and to memory. Each entry point sets libpng's jump target; the error
// callback records the message and jumps back to it.

#include "CDroverImaging.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

/// Largest ancillary chunk libpng may allocate (ICC profiles, compressed text).
#define DROVER_PNG_CHUNK_MAX (16u * 1024u * 1024u)

typedef struct {
    int code;
    char message[256];
} drover_png_error;

static void drover_png_on_error(png_structp png, png_const_charp text) {
    drover_png_error *error = png_get_error_ptr(png);
    if (error->code == 0) {
        error->code = strstr(text, "user limit") || strstr(text, "exceeds") ? DROVER_IMG_LIMIT : DROVER_IMG_CORRUPT;
        if (strstr(text, "memory")) error->code = DROVER_IMG_MEMORY;
        snprintf(error->message, sizeof(error->message), "%s", text);
    }
    png_longjmp(png, 1);
}

static void drover_png_on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void drover_png_fail(png_structp png, drover_png_error *error, int code, const char *text) {
    error->code = code;
    snprintf(error->message, sizeof(error->message), "%s", text);
    png_longjmp(png, 1);
}

// MARK: - Decoding

struct drover_png_decoder {
    png_structp png;
    png_infop info;
    drover_png_error error;
    drover_img_limits limits;
    const uint8_t *data;
    size_t size;
    size_t offset;
    uint8_t *exif;
    size_t exif_length;
    uint8_t *icc;
    size_t icc_length;
    png_bytep *rows;
};

static void drover_png_on_read(png_structp png, png_bytep out, size_t length) {
    drover_png_decoder *decoder = png_get_io_ptr(png);
    if (length > decoder->size - decoder->offset)
        drover_png_fail(png, &decoder->error, DROVER_IMG_CORRUPT, "PNG data ends early (truncated file)");
    memcpy(out, decoder->data + decoder->offset, length);
    decoder->offset += length;
}

drover_png_decoder *drover_png_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits) {
    drover_png_decoder *decoder = calloc(1, sizeof(drover_png_decoder));
    if (!decoder) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->limits = limits;
    return decoder;
}

void drover_png_decoder_destroy(drover_png_decoder *decoder) {
    if (!decoder) return;
    if (decoder->png) png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
    free(decoder->exif);
    free(decoder->icc);
    free(decoder->rows);
    free(decoder);
}

const char *drover_png_decoder_message(const drover_png_decoder *decoder) { return decoder->error.message; }

static uint8_t *drover_copy_bytes(const void *bytes, size_t length) {
    uint8_t *copy = malloc(length ? length : 1);
    if (copy) memcpy(copy, bytes, length);
    return copy;
}

static void drover_png_fill_info(png_structp png, png_infop info, drover_png_info *out) {
    out->width = png_get_image_width(png, info);
    out->height = png_get_image_height(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->color_type = png_get_color_type(png, info);
    out->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    out->has_trns = png_get_valid(png, info, PNG_INFO_tRNS) ? 1 : 0;
    out->output_channels = png_get_channels(png, info);
    out->output_depth = out->bit_depth < 8 ? 8 : out->bit_depth;
    png_fixed_point gamma = 0;
    out->gamma = png_get_gAMA_fixed(png, info, &gamma) ? (int)gamma : 0;
    int intent = -1;
    if (!png_get_sRGB(png, info, &intent)) intent = -1;
    out->srgb_intent = intent;
}

int drover_png_read_header(drover_png_decoder *decoder, drover_png_info *info) {
    if (decoder->size < 8 || png_sig_cmp(decoder->data, 0, 8) != 0) {
        decoder->error.code = DROVER_IMG_CORRUPT;
        snprintf(decoder->error.message, sizeof(decoder->error.message), "not a PNG signature");
        return DROVER_IMG_CORRUPT;
    }
    // Check the size in IHDR before libpng does, so that the error says what was found.
    if (decoder->size >= 24 && memcmp(decoder->data + 12, "IHDR", 4) == 0) {
        const uint8_t *d = decoder->data + 16;
        uint32_t width = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        uint32_t height = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
        drover_img_limits limits = decoder->limits;
        if ((limits.max_width && width > limits.max_width) || (limits.max_height && height > limits.max_height) ||
            (limits.max_pixels && (uint64_t)width * height > limits.max_pixels)) {
            decoder->error.code = DROVER_IMG_LIMIT;
            snprintf(decoder->error.message, sizeof(decoder->error.message), "image is %u x %u pixels, over the limit",
                     width, height);
            return DROVER_IMG_LIMIT;
        }
    }
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &decoder->error, drover_png_on_error,
                                          drover_png_on_warning);
    if (!decoder->png) return DROVER_IMG_MEMORY;
    decoder->info = png_create_info_struct(decoder->png);
    if (!decoder->info) return DROVER_IMG_MEMORY;
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    if (setjmp(png_jmpbuf(png))) return decoder->error.code ? decoder->error.code : DROVER_IMG_CORRUPT;
    png_set_read_fn(png, decoder, drover_png_on_read);
    drover_img_limits limits = decoder->limits;
    png_set_user_limits(png, limits.max_width ? limits.max_width : 0x7fffffffu,
                        limits.max_height ? limits.max_height : 0x7fffffffu);
    png_set_chunk_malloc_max(png, DROVER_PNG_CHUNK_MAX);
    // Chunk CRCs still catch corruption; skipping zlib's Adler-32 of the image data saves a pass over it.
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
    png_read_info(png, pinfo);
    uint64_t pixels = (uint64_t)png_get_image_width(png, pinfo) * png_get_image_height(png, pinfo);
    if (limits.max_pixels && pixels > limits.max_pixels) {
        char text[160];
        snprintf(text, sizeof(text), "image is %u x %u pixels, over the limit", png_get_image_width(png, pinfo),
                 png_get_image_height(png, pinfo));
        drover_png_fail(png, &decoder->error, DROVER_IMG_LIMIT, text);
    }
    png_charp name = NULL;
    int compression = 0;
    png_bytep profile = NULL;
    png_uint_32 profile_length = 0;
    if (png_get_iCCP(png, pinfo, &name, &compression, &profile, &profile_length) && profile_length) {
        decoder->icc = drover_copy_bytes(profile, profile_length);
        decoder->icc_length = decoder->icc ? profile_length : 0;
    }
    png_bytep exif = NULL;
    png_uint_32 exif_length = 0;
    if (png_get_eXIf_1(png, pinfo, &exif_length, &exif) && exif_length) {
        decoder->exif = drover_copy_bytes(exif, exif_length);
        decoder->exif_length = decoder->exif ? exif_length : 0;
    }
    drover_png_fill_info(png, pinfo, info);
    return DROVER_IMG_OK;
}

const uint8_t *drover_png_exif(const drover_png_decoder *decoder, size_t *length) {
    *length = decoder->exif_length;
    return decoder->exif;
}

const uint8_t *drover_png_icc(const drover_png_decoder *decoder, size_t *length) {
    *length = decoder->icc_length;
    return decoder->icc;
}

int drover_png_start(drover_png_decoder *decoder, int keep16, drover_png_info *info) {
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    if (setjmp(png_jmpbuf(png))) return decoder->error.code ? decoder->error.code : DROVER_IMG_CORRUPT;
    int color_type = png_get_color_type(png, pinfo);
    int depth = png_get_bit_depth(png, pinfo);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, pinfo, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16 && !keep16) png_set_scale_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    drover_png_fill_info(png, pinfo, info);
    info->output_depth = png_get_bit_depth(png, pinfo);
    return DROVER_IMG_OK;
}

int drover_png_read(drover_png_decoder *decoder, uint8_t *pixels, size_t stride) {
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    if (setjmp(png_jmpbuf(png))) return decoder->error.code ? decoder->error.code : DROVER_IMG_CORRUPT;
    png_uint_32 height = png_get_image_height(png, pinfo);
    if (png_get_rowbytes(png, pinfo) > stride)
        drover_png_fail(png, &decoder->error, DROVER_IMG_CORRUPT, "row is larger than the buffer given");
    decoder->rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!decoder->rows) drover_png_fail(png, &decoder->error, DROVER_IMG_MEMORY, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) decoder->rows[y] = pixels + (size_t)y * stride;
    png_read_image(png, decoder->rows);
    png_read_end(png, NULL);
    return DROVER_IMG_OK;
}

int drover_png_read_rows(drover_png_decoder *decoder, uint8_t *pixels, size_t stride, uint32_t count) {
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    if (setjmp(png_jmpbuf(png))) return decoder->error.code ? decoder->error.code : DROVER_IMG_CORRUPT;
    if (png_get_interlace_type(png, pinfo) != PNG_INTERLACE_NONE)
        drover_png_fail(png, &decoder->error, DROVER_IMG_UNSUPPORTED, "interlaced PNG cannot be read row by row");
    png_bytep rows[16];
    uint32_t done = 0;
    while (done < count) {
        uint32_t batch = count - done < 16 ? count - done : 16;
        for (uint32_t i = 0; i < batch; i++) rows[i] = pixels + (size_t)(done + i) * stride;
        png_read_rows(png, rows, NULL, batch);
        done += batch;
    }
    return DROVER_IMG_OK;
}

int drover_png_finish(drover_png_decoder *decoder) {
    png_structp png = decoder->png;
    if (setjmp(png_jmpbuf(png))) return decoder->error.code ? decoder->error.code : DROVER_IMG_CORRUPT;
    png_read_end(png, NULL);
    return DROVER_IMG_OK;
}

// MARK: - Encoding

typedef struct {
    drover_png_error error;
    uint8_t *data;
    size_t length;
    size_t capacity;
    png_structp png;
    png_infop info;
} drover_png_encoding;

static void drover_png_on_write(png_structp png, png_bytep bytes, size_t length) {
    drover_png_encoding *state = png_get_io_ptr(png);
    if (state->length + length > state->capacity) {
        size_t capacity = state->capacity ? state->capacity : 65536;
        while (capacity < state->length + length) capacity *= 2;
        uint8_t *grown = realloc(state->data, capacity);
        if (!grown) drover_png_fail(png, &state->error, DROVER_IMG_MEMORY, "out of memory");
        state->data = grown;
        state->capacity = capacity;
    }
    memcpy(state->data + state->length, bytes, length);
    state->length += length;
}

static void drover_png_on_flush(png_structp png) { (void)png; }

static int drover_png_encode_into(drover_png_encoding *state, const uint8_t *rows, uint32_t width, uint32_t height,
                                  size_t stride, const drover_png_write_options *options) {
    png_structp png = state->png;
    png_infop info = state->info;
    if (setjmp(png_jmpbuf(png))) return state->error.code ? state->error.code : DROVER_IMG_CORRUPT;
    png_set_write_fn(png, state, drover_png_on_write, drover_png_on_flush);
    png_set_IHDR(png, info, width, height, options->bit_depth, options->color_type,
                 options->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (options->color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_PLTE(png, info, (png_const_colorp)options->palette, options->palette_count);
        if (options->trns && options->trns_count > 0)
            png_set_tRNS(png, info, options->trns, options->trns_count, NULL);
    }
    if (options->has_trns_key && (options->color_type == PNG_COLOR_TYPE_GRAY || options->color_type == PNG_COLOR_TYPE_RGB)) {
        png_color_16 key;
        memset(&key, 0, sizeof(key));
        key.gray = options->trns_key[0];
        key.red = options->trns_key[0];
        key.green = options->trns_key[1];
        key.blue = options->trns_key[2];
        png_set_tRNS(png, info, NULL, 0, &key);
    }
    if (options->icc && options->icc_length)
        png_set_iCCP(png, info, "ICC Profile", PNG_COMPRESSION_TYPE_BASE, options->icc, (png_uint_32)options->icc_length);
    else if (options->srgb_intent >= 0)
        png_set_sRGB(png, info, options->srgb_intent);
    else if (options->gamma > 0)
        png_set_gAMA_fixed(png, info, options->gamma);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, options->filters);
    png_set_compression_level(png, options->level);
    png_set_compression_strategy(png, options->strategy);
    png_set_compression_mem_level(png, options->mem_level);
    png_set_compression_buffer_size(png, 1u << 18);
    png_write_info(png, info);
    if (options->bit_depth < 8) png_set_packing(png);
    int passes = options->interlace ? png_set_interlace_handling(png) : 1;
    for (int pass = 0; pass < passes; pass++)
        for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rows + (size_t)y * stride));
    png_write_end(png, info);
    return DROVER_IMG_OK;
}

int drover_png_encode(const uint8_t *rows, uint32_t width, uint32_t height, size_t stride,
                      const drover_png_write_options *options, uint8_t **output, size_t *output_length,
                      char *message, size_t message_size) {
    drover_png_encoding *state = calloc(1, sizeof(drover_png_encoding));
    if (!state) return DROVER_IMG_MEMORY;
    int code = DROVER_IMG_MEMORY;
    state->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state->error, drover_png_on_error,
                                         drover_png_on_warning);
    if (state->png) state->info = png_create_info_struct(state->png);
    if (state->png && state->info) code = drover_png_encode_into(state, rows, width, height, stride, options);
    if (state->png) png_destroy_write_struct(&state->png, &state->info);
    if (code == DROVER_IMG_OK) {
        *output = state->data;
        *output_length = state->length;
    } else {
        free(state->data);
        if (message && message_size) snprintf(message, message_size, "%s", state->error.message);
    }
    free(state);
    return code;
}
