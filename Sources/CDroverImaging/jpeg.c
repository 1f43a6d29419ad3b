// JPEG reading, writing and lossless transcoding through libjpeg-turbo. Each entry point sets the jump target for
// the library calls it makes; libjpeg's error_exit and every warning (corrupt or truncated data) jump back to it.

#include "CDroverImaging.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

void drover_img_free(void *pointer) { free(pointer); }

/// libjpeg's error manager extended with a jump target, a status code and the formatted message.
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int code;
    /// When set, warnings are ignored instead of being fatal (used while reading an optional ICC profile).
    int tolerate_warnings;
    char message[JMSG_LENGTH_MAX + 64];
} drover_jpeg_error;

static void drover_jpeg_fail(j_common_ptr cinfo) {
    drover_jpeg_error *error = (drover_jpeg_error *)cinfo->err;
    if (error->message[0] == 0) (*cinfo->err->format_message)(cinfo, error->message);
    if (error->code == 0) error->code = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? DROVER_IMG_MEMORY : DROVER_IMG_CORRUPT;
    longjmp(error->jump, 1);
}

static void drover_jpeg_emit(j_common_ptr cinfo, int level) {
    drover_jpeg_error *error = (drover_jpeg_error *)cinfo->err;
    if (level >= 0 || error->tolerate_warnings) return;
    // A warning means corrupt or truncated data ("Premature end of JPEG file"): fatal for us.
    drover_jpeg_fail(cinfo);
}

static void drover_jpeg_silent(j_common_ptr cinfo) { (void)cinfo; }

static void drover_jpeg_error_init(drover_jpeg_error *error) {
    memset(error, 0, sizeof(*error));
    jpeg_std_error(&error->pub);
    error->pub.error_exit = drover_jpeg_fail;
    error->pub.emit_message = drover_jpeg_emit;
    error->pub.output_message = drover_jpeg_silent;
}

static void drover_jpeg_limit(j_common_ptr cinfo, const char *text) {
    drover_jpeg_error *error = (drover_jpeg_error *)cinfo->err;
    error->code = DROVER_IMG_LIMIT;
    snprintf(error->message, sizeof(error->message), "%s", text);
    longjmp(error->jump, 1);
}

/// A progress monitor that stops progressive files with more scans than allowed.
typedef struct {
    struct jpeg_progress_mgr pub;
    int max_scans;
} drover_jpeg_progress;

static void drover_jpeg_on_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    drover_jpeg_progress *progress = (drover_jpeg_progress *)cinfo->progress;
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (progress->max_scans > 0 && dinfo->input_scan_number > progress->max_scans) {
        char text[128];
        snprintf(text, sizeof(text), "progressive JPEG has more than %d scans", progress->max_scans);
        drover_jpeg_limit(cinfo, text);
    }
}

static void drover_jpeg_check_limits(j_decompress_ptr cinfo, drover_img_limits limits) {
    char text[160];
    uint64_t pixels = (uint64_t)cinfo->image_width * cinfo->image_height;
    if ((limits.max_width && cinfo->image_width > limits.max_width) ||
        (limits.max_height && cinfo->image_height > limits.max_height) ||
        (limits.max_pixels && pixels > limits.max_pixels)) {
        snprintf(text, sizeof(text), "image is %u x %u pixels, over the limit", cinfo->image_width, cinfo->image_height);
        drover_jpeg_limit((j_common_ptr)cinfo, text);
    }
}

// MARK: - Decoding

struct drover_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    drover_jpeg_error error;
    drover_jpeg_progress progress;
    drover_img_limits limits;
    const uint8_t *data;
    size_t size;
    int created;
    uint8_t *exif;
    size_t exif_length;
    JOCTET *icc;
    unsigned int icc_length;
    int icc_read;
    uint8_t *cmyk_rows;
    /// Write CMYK and YCCK files as 4 samples of CMYK, as stored (set by drover_jpeg_keep_cmyk).
    int keep_cmyk;
};

drover_jpeg_decoder *drover_jpeg_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits) {
    drover_jpeg_decoder *decoder = calloc(1, sizeof(drover_jpeg_decoder));
    if (!decoder) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->limits = limits;
    drover_jpeg_error_init(&decoder->error);
    return decoder;
}

void drover_jpeg_decoder_destroy(drover_jpeg_decoder *decoder) {
    if (!decoder) return;
    if (decoder->created) jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder->exif);
    free(decoder->icc);
    free(decoder->cmyk_rows);
    free(decoder);
}

const char *drover_jpeg_decoder_message(const drover_jpeg_decoder *decoder) { return decoder->error.message; }

static void drover_jpeg_fill_info(const struct jpeg_decompress_struct *cinfo, int keep_cmyk, drover_jpeg_info *info) {
    info->width = cinfo->image_width;
    info->height = cinfo->image_height;
    info->color_space = cinfo->jpeg_color_space;
    info->components = cinfo->num_components;
    info->progressive = cinfo->progressive_mode ? 1 : 0;
    info->output_width = cinfo->output_width;
    info->output_height = cinfo->output_height;
    info->output_channels = cinfo->out_color_space == JCS_GRAYSCALE ? 1
                            : cinfo->out_color_space == JCS_CMYK && keep_cmyk ? 4
                                                                              : 3;
}

int drover_jpeg_read_header(drover_jpeg_decoder *decoder, drover_jpeg_info *info) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->error.jump)) return decoder->error.code;
    cinfo->err = &decoder->error.pub;
    jpeg_create_decompress(cinfo);
    decoder->created = 1;
    decoder->progress.pub.progress_monitor = drover_jpeg_on_progress;
    decoder->progress.max_scans = decoder->limits.max_scans;
    cinfo->progress = &decoder->progress.pub;
    jpeg_mem_src(cinfo, decoder->data, (unsigned long)decoder->size);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(cinfo, TRUE);
    drover_jpeg_check_limits(cinfo, decoder->limits);
    for (jpeg_saved_marker_ptr marker = cinfo->marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > 6 && memcmp(marker->data, "Exif\0\0", 6) == 0 &&
            !decoder->exif) {
            decoder->exif_length = marker->data_length - 6;
            decoder->exif = malloc(decoder->exif_length);
            if (decoder->exif) memcpy(decoder->exif, marker->data + 6, decoder->exif_length);
        }
    }
    jpeg_calc_output_dimensions(cinfo);
    drover_jpeg_fill_info(cinfo, 0, info);
    return DROVER_IMG_OK;
}

const uint8_t *drover_jpeg_exif(const drover_jpeg_decoder *decoder, size_t *length) {
    *length = decoder->exif_length;
    return decoder->exif;
}

const uint8_t *drover_jpeg_icc(drover_jpeg_decoder *decoder, size_t *length) {
    *length = 0;
    if (!decoder->created) return NULL;
    if (!decoder->icc_read) {
        decoder->icc_read = 1;
        if (setjmp(decoder->error.jump)) {
            decoder->error.tolerate_warnings = 0;
            return NULL;
        }
        decoder->error.tolerate_warnings = 1;
        if (!jpeg_read_icc_profile(&decoder->cinfo, &decoder->icc, &decoder->icc_length)) {
            decoder->icc = NULL;
            decoder->icc_length = 0;
        }
        decoder->error.tolerate_warnings = 0;
    }
    *length = decoder->icc_length;
    return decoder->icc;
}

int drover_jpeg_start(drover_jpeg_decoder *decoder, int scale_denom, drover_jpeg_info *info) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->error.jump)) return decoder->error.code;
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned int)(scale_denom == 2 || scale_denom == 4 || scale_denom == 8 ? scale_denom : 1);
    cinfo->dct_method = JDCT_ISLOW;
    // When shrinking on load, a Lanczos3 reduction of at least 2x follows: plain (replicating) chroma upsampling is
    // faster and the difference is filtered away.
    if (cinfo->scale_denom > 1) cinfo->do_fancy_upsampling = FALSE;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo->out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: cinfo->out_color_space = JCS_CMYK; break;
    default: cinfo->out_color_space = JCS_RGB; break;
    }
    jpeg_start_decompress(cinfo);
    if (cinfo->out_color_space == JCS_CMYK && !decoder->keep_cmyk) {
        decoder->cmyk_rows = malloc((size_t)cinfo->output_width * 4 * (size_t)cinfo->rec_outbuf_height);
        if (!decoder->cmyk_rows) {
            decoder->error.code = DROVER_IMG_MEMORY;
            snprintf(decoder->error.message, sizeof(decoder->error.message), "out of memory");
            return DROVER_IMG_MEMORY;
        }
    }
    drover_jpeg_fill_info(cinfo, decoder->keep_cmyk, info);
    return DROVER_IMG_OK;
}

void drover_jpeg_keep_cmyk(drover_jpeg_decoder *decoder) { decoder->keep_cmyk = 1; }

int drover_jpeg_cmyk_inverted(const drover_jpeg_decoder *decoder) {
    return decoder->created && decoder->cinfo.saw_Adobe_marker ? 1 : 0;
}

/// Converts CMYK samples to RGB. Files with an Adobe marker store the inks inverted (as Photoshop writes them).
static void drover_cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, JDIMENSION width, int inverted) {
    for (JDIMENSION x = 0; x < width; x++) {
        unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        rgb[0] = (uint8_t)((c * k + 127) / 255);
        rgb[1] = (uint8_t)((m * k + 127) / 255);
        rgb[2] = (uint8_t)((y * k + 127) / 255);
        cmyk += 4;
        rgb += 3;
    }
}

int drover_jpeg_read_rows(drover_jpeg_decoder *decoder, uint8_t *pixels, size_t stride, uint32_t count) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->error.jump)) return decoder->error.code;
    JSAMPROW rows[16];
    int batch = cinfo->rec_outbuf_height < 16 ? cinfo->rec_outbuf_height : 16;
    size_t cmyk_stride = (size_t)cinfo->output_width * 4;
    JDIMENSION base = cinfo->output_scanline;
    JDIMENSION end = base + count;
    if (end > cinfo->output_height) end = cinfo->output_height;
    while (cinfo->output_scanline < end) {
        JDIMENSION first = cinfo->output_scanline;
        int wanted = batch;
        if (first + (JDIMENSION)wanted > end) wanted = (int)(end - first);
        for (int i = 0; i < wanted; i++) {
            uint8_t *target = pixels + (size_t)(first - base + i) * stride;
            rows[i] = decoder->cmyk_rows ? decoder->cmyk_rows + (size_t)i * cmyk_stride : target;
        }
        JDIMENSION got = jpeg_read_scanlines(cinfo, rows, (JDIMENSION)wanted);
        if (decoder->cmyk_rows) {
            for (JDIMENSION i = 0; i < got; i++)
                drover_cmyk_to_rgb(rows[i], pixels + (size_t)(first - base + i) * stride, cinfo->output_width,
                                   cinfo->saw_Adobe_marker);
        }
        if (got == 0) {
            snprintf(decoder->error.message, sizeof(decoder->error.message), "JPEG data ends before the last row");
            drover_jpeg_fail((j_common_ptr)cinfo);
        }
    }
    return DROVER_IMG_OK;
}

int drover_jpeg_finish(drover_jpeg_decoder *decoder) {
    if (setjmp(decoder->error.jump)) return decoder->error.code;
    jpeg_finish_decompress(&decoder->cinfo);
    return DROVER_IMG_OK;
}

// MARK: - Encoding

static void drover_jpeg_write_exif(j_compress_ptr cinfo, const uint8_t *exif, size_t length) {
    if (!exif || length == 0 || length > 65533 - 6) return;
    jpeg_write_m_header(cinfo, JPEG_APP0 + 1, (unsigned int)(length + 6));
    const char *tag = "Exif\0\0";
    for (int i = 0; i < 6; i++) jpeg_write_m_byte(cinfo, tag[i]);
    for (size_t i = 0; i < length; i++) jpeg_write_m_byte(cinfo, exif[i]);
}

/// Hands an encoder's buffer to the caller on success; on failure frees it and copies the error message.
static void drover_jpeg_deliver(int code, unsigned char *buffer, unsigned long length, const drover_jpeg_error *error,
                                uint8_t **output, size_t *output_length, char *message, size_t message_size) {
    if (code == DROVER_IMG_OK) {
        *output = buffer;
        *output_length = length;
        return;
    }
    free(buffer);
    if (message && message_size) snprintf(message, message_size, "%s", error->message);
}

/// State of one encode, kept behind a pointer so that nothing the jump target reads lives in a register.
typedef struct {
    struct jpeg_compress_struct cinfo;
    drover_jpeg_error error;
    unsigned char *buffer;
    unsigned long length;
    int created;
} drover_jpeg_encoding;

static int drover_jpeg_encode_into(drover_jpeg_encoding *state, const uint8_t *pixels, uint32_t width, uint32_t height,
                                   int channels, size_t stride, const drover_jpeg_write_options *options) {
    struct jpeg_compress_struct *cinfo = &state->cinfo;
    if (setjmp(state->error.jump)) return state->error.code;
    cinfo->err = &state->error.pub;
    state->error.tolerate_warnings = 1;
    jpeg_create_compress(cinfo);
    state->created = 1;
    jpeg_mem_dest(cinfo, &state->buffer, &state->length);
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = channels;
    cinfo->in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(cinfo);
    if (channels == 4) jpeg_set_colorspace(cinfo, options->cmyk_color_space == 5 ? JCS_YCCK : JCS_CMYK);
    jpeg_set_quality(cinfo, options->quality, TRUE);
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->optimize_coding = options->optimize_coding ? TRUE : FALSE;
    if (channels == 3) {
        cinfo->comp_info[0].h_samp_factor = options->subsampling == 444 ? 1 : 2;
        cinfo->comp_info[0].v_samp_factor = options->subsampling == 420 ? 2 : 1;
        for (int i = 1; i < 3; i++) {
            cinfo->comp_info[i].h_samp_factor = 1;
            cinfo->comp_info[i].v_samp_factor = 1;
        }
    }
    if (options->progressive) jpeg_simple_progression(cinfo);
    jpeg_start_compress(cinfo, TRUE);
    drover_jpeg_write_exif(cinfo, options->exif, options->exif_length);
    if (options->icc && options->icc_length) jpeg_write_icc_profile(cinfo, options->icc, (unsigned int)options->icc_length);
    while (cinfo->next_scanline < height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * stride);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return DROVER_IMG_OK;
}

int drover_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_jpeg_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size) {
    drover_jpeg_encoding *state = calloc(1, sizeof(drover_jpeg_encoding));
    if (!state) return DROVER_IMG_MEMORY;
    drover_jpeg_error_init(&state->error);
    int code = drover_jpeg_encode_into(state, pixels, width, height, channels, stride, options);
    if (state->created) jpeg_destroy_compress(&state->cinfo);
    drover_jpeg_deliver(code, state->buffer, state->length, &state->error, output, output_length, message, message_size);
    free(state);
    return code;
}

// MARK: - Lossless transcoding

typedef struct {
    struct jpeg_decompress_struct source;
    struct jpeg_compress_struct destination;
    drover_jpeg_error error;
    drover_jpeg_progress progress;
    unsigned char *buffer;
    unsigned long length;
    JOCTET *icc;
    unsigned int icc_length;
    int source_created;
    int destination_created;
} drover_jpeg_transcoding;

static int drover_jpeg_transcode_into(drover_jpeg_transcoding *state, const uint8_t *data, size_t size,
                                      drover_img_limits limits, int progressive, int keep_icc, const uint8_t *exif,
                                      size_t exif_length) {
    if (setjmp(state->error.jump)) return state->error.code;
    state->source.err = &state->error.pub;
    jpeg_create_decompress(&state->source);
    state->source_created = 1;
    state->progress.pub.progress_monitor = drover_jpeg_on_progress;
    state->progress.max_scans = limits.max_scans;
    state->source.progress = &state->progress.pub;
    jpeg_mem_src(&state->source, data, (unsigned long)size);
    if (keep_icc) jpeg_save_markers(&state->source, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&state->source, TRUE);
    drover_jpeg_check_limits(&state->source, limits);
    if (keep_icc) {
        state->error.tolerate_warnings = 1;
        if (!jpeg_read_icc_profile(&state->source, &state->icc, &state->icc_length)) state->icc = NULL;
        state->error.tolerate_warnings = 0;
    }
    jvirt_barray_ptr *coefficients = jpeg_read_coefficients(&state->source);
    state->destination.err = &state->error.pub;
    jpeg_create_compress(&state->destination);
    state->destination_created = 1;
    jpeg_mem_dest(&state->destination, &state->buffer, &state->length);
    jpeg_copy_critical_parameters(&state->source, &state->destination);
    state->destination.optimize_coding = TRUE;
    if (progressive) jpeg_simple_progression(&state->destination);
    jpeg_write_coefficients(&state->destination, coefficients);
    drover_jpeg_write_exif(&state->destination, exif, exif_length);
    if (state->icc && state->icc_length) jpeg_write_icc_profile(&state->destination, state->icc, state->icc_length);
    jpeg_finish_compress(&state->destination);
    jpeg_finish_decompress(&state->source);
    return DROVER_IMG_OK;
}

int drover_jpeg_transcode(const uint8_t *data, size_t size, drover_img_limits limits, int progressive, int keep_icc,
                          const uint8_t *exif, size_t exif_length, uint8_t **output, size_t *output_length,
                          char *message, size_t message_size) {
    drover_jpeg_transcoding *state = calloc(1, sizeof(drover_jpeg_transcoding));
    if (!state) return DROVER_IMG_MEMORY;
    drover_jpeg_error_init(&state->error);
    int code = drover_jpeg_transcode_into(state, data, size, limits, progressive, keep_icc, exif, exif_length);
    if (state->destination_created) jpeg_destroy_compress(&state->destination);
    if (state->source_created) jpeg_destroy_decompress(&state->source);
    free(state->icc);
    drover_jpeg_deliver(code, state->buffer, state->length, &state->error, output, output_length, message, message_size);
    free(state);
    return code;
}
