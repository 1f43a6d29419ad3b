// WebP reading and writing through libwebp, from and to memory. libwebp returns status codes (it never jumps or
// exits); each is mapped here to a DROVER_IMG_* code and a message.

#include "CDroverWebP.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

/// The format's own limit on each side.
#define DROVER_WEBP_MAX_SIDE 16383u

struct drover_webp_decoder {
    const uint8_t *data;
    size_t size;
    drover_img_limits limits;
    uint32_t width;
    uint32_t height;
    // Chunks point into `data`, which outlives the decoder.
    const uint8_t *exif;
    size_t exif_length;
    const uint8_t *icc;
    size_t icc_length;
    char message[256];
};

static int drover_webp_fail(char *message, size_t size, int code, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, size, format, arguments);
    va_end(arguments);
    return code;
}

/// Maps a decoding status of libwebp.
static int drover_webp_status(VP8StatusCode status, char *message, size_t size) {
    switch (status) {
    case VP8_STATUS_OK:
        return DROVER_IMG_OK;
    case VP8_STATUS_OUT_OF_MEMORY:
        return drover_webp_fail(message, size, DROVER_IMG_MEMORY, "out of memory");
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return drover_webp_fail(message, size, DROVER_IMG_UNSUPPORTED, "the WebP uses a feature libwebp does not decode");
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return drover_webp_fail(message, size, DROVER_IMG_CORRUPT, "WebP data ends early (truncated file)");
    default:
        return drover_webp_fail(message, size, DROVER_IMG_CORRUPT, "invalid WebP data (libwebp status %d)", (int)status);
    }
}

drover_webp_decoder *drover_webp_decoder_create(const uint8_t *data, size_t size, drover_img_limits limits) {
    drover_webp_decoder *decoder = calloc(1, sizeof(drover_webp_decoder));
    if (!decoder) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->limits = limits;
    return decoder;
}

void drover_webp_decoder_destroy(drover_webp_decoder *decoder) { free(decoder); }

const char *drover_webp_decoder_message(const drover_webp_decoder *decoder) { return decoder->message; }

int drover_webp_read_header(drover_webp_decoder *decoder, drover_webp_info *info) {
    char *message = decoder->message;
    size_t size = sizeof(decoder->message);
    WebPBitstreamFeatures features;
    int status = drover_webp_status(WebPGetFeatures(decoder->data, decoder->size, &features), message, size);
    if (status != DROVER_IMG_OK) return status;
    info->width = (uint32_t)features.width;
    info->height = (uint32_t)features.height;
    info->has_alpha = features.has_alpha;
    info->has_animation = features.has_animation;
    info->format = features.format;
    if (features.has_animation) return drover_webp_fail(message, size, DROVER_IMG_UNSUPPORTED, "animated WebP");
    drover_img_limits limits = decoder->limits;
    if ((limits.max_width && info->width > limits.max_width) || (limits.max_height && info->height > limits.max_height) ||
        (limits.max_pixels && (uint64_t)info->width * info->height > limits.max_pixels)) {
        return drover_webp_fail(message, size, DROVER_IMG_LIMIT, "image is %u x %u pixels, over the limit", info->width,
                                info->height);
    }
    decoder->width = info->width;
    decoder->height = info->height;
    // Chunks are read only from a whole, well-formed container; a simple (VP8 or VP8L only) file has none.
    WebPData whole = {decoder->data, decoder->size};
    WebPDemuxer *demux = WebPDemux(&whole);
    if (demux) {
        uint32_t flags = WebPDemuxGetI(demux, WEBP_FF_FORMAT_FLAGS);
        WebPChunkIterator chunk;
        if ((flags & ICCP_FLAG) && WebPDemuxGetChunk(demux, "ICCP", 1, &chunk)) {
            decoder->icc = chunk.chunk.bytes;
            decoder->icc_length = chunk.chunk.size;
            WebPDemuxReleaseChunkIterator(&chunk);
        }
        if ((flags & EXIF_FLAG) && WebPDemuxGetChunk(demux, "EXIF", 1, &chunk)) {
            decoder->exif = chunk.chunk.bytes;
            decoder->exif_length = chunk.chunk.size;
            // Some writers keep the JPEG APP1 prefix.
            if (decoder->exif_length >= 6 && memcmp(decoder->exif, "Exif\0\0", 6) == 0) {
                decoder->exif += 6;
                decoder->exif_length -= 6;
            }
            WebPDemuxReleaseChunkIterator(&chunk);
        }
        WebPDemuxDelete(demux);
    }
    return DROVER_IMG_OK;
}

const uint8_t *drover_webp_exif(const drover_webp_decoder *decoder, size_t *length) {
    *length = decoder->exif_length;
    return decoder->exif;
}

const uint8_t *drover_webp_icc(const drover_webp_decoder *decoder, size_t *length) {
    *length = decoder->icc_length;
    return decoder->icc;
}

int drover_webp_decode(drover_webp_decoder *decoder, uint8_t *pixels, size_t stride, int channels) {
    char *message = decoder->message;
    size_t size = sizeof(decoder->message);
    if (decoder->width == 0 || (channels != 3 && channels != 4)) {
        return drover_webp_fail(message, size, DROVER_IMG_UNSUPPORTED, "decode called without a header or with %d channels",
                                channels);
    }
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) return drover_webp_fail(message, size, DROVER_IMG_UNSUPPORTED, "libwebp version mismatch");
    config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = pixels;
    config.output.u.RGBA.stride = (int)stride;
    config.output.u.RGBA.size = stride * decoder->height;
    int status = drover_webp_status(WebPDecode(decoder->data, decoder->size, &config), message, size);
    WebPFreeDecBuffer(&config.output);
    return status;
}

/// Maps an encoding error of libwebp.
static int drover_webp_encode_status(WebPEncodingError error, char *message, size_t size) {
    switch (error) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
        return drover_webp_fail(message, size, DROVER_IMG_MEMORY, "out of memory");
    case VP8_ENC_ERROR_BAD_DIMENSION:
        return drover_webp_fail(message, size, DROVER_IMG_LIMIT, "WebP cannot hold an image of this size");
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
        return drover_webp_fail(message, size, DROVER_IMG_LIMIT, "WebP partition overflow (raise the quality)");
    default:
        return drover_webp_fail(message, size, DROVER_IMG_UNSUPPORTED, "libwebp could not encode (error %d)", (int)error);
    }
}

/// Copies `bytes` into a buffer for `drover_img_free`.
static int drover_webp_output(const uint8_t *bytes, size_t length, uint8_t **output, size_t *output_length) {
    *output = malloc(length ? length : 1);
    if (!*output) return DROVER_IMG_MEMORY;
    memcpy(*output, bytes, length);
    *output_length = length;
    return DROVER_IMG_OK;
}

/// Wraps an encoded WebP in a container with the ICCP and EXIF chunks, and copies the result to `*output`.
static int drover_webp_mux(const WebPMemoryWriter *encoded, const drover_webp_write_options *options, uint8_t **output,
                           size_t *output_length, char *message, size_t size) {
    WebPMux *mux = WebPMuxNew();
    if (!mux) return drover_webp_fail(message, size, DROVER_IMG_MEMORY, "out of memory");
    WebPData image = {encoded->mem, encoded->size};
    WebPData assembled = {NULL, 0};
    WebPMuxError error = WebPMuxSetImage(mux, &image, 0);
    if (error == WEBP_MUX_OK && options->icc_length) {
        WebPData icc = {options->icc, options->icc_length};
        error = WebPMuxSetChunk(mux, "ICCP", &icc, 0);
    }
    if (error == WEBP_MUX_OK && options->exif_length) {
        WebPData exif = {options->exif, options->exif_length};
        error = WebPMuxSetChunk(mux, "EXIF", &exif, 0);
    }
    if (error == WEBP_MUX_OK) error = WebPMuxAssemble(mux, &assembled);
    int status;
    if (error == WEBP_MUX_OK) {
        status = drover_webp_output(assembled.bytes, assembled.size, output, output_length);
        if (status != DROVER_IMG_OK) drover_webp_fail(message, size, status, "out of memory");
    } else {
        status = drover_webp_fail(message, size, error == WEBP_MUX_MEMORY_ERROR ? DROVER_IMG_MEMORY : DROVER_IMG_UNSUPPORTED,
                                  "libwebpmux could not add the metadata (error %d)", (int)error);
    }
    WebPDataClear(&assembled);
    WebPMuxDelete(mux);
    return status;
}

int drover_webp_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_webp_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size) {
    *output = NULL;
    *output_length = 0;
    if (channels != 3 && channels != 4) {
        return drover_webp_fail(message, message_size, DROVER_IMG_UNSUPPORTED, "WebP encoding takes 3 or 4 channels, not %d",
                                channels);
    }
    if (width == 0 || height == 0 || width > DROVER_WEBP_MAX_SIDE || height > DROVER_WEBP_MAX_SIDE) {
        return drover_webp_fail(message, message_size, DROVER_IMG_LIMIT,
                                "WebP holds at most %u x %u pixels; the image is %u x %u", DROVER_WEBP_MAX_SIDE,
                                DROVER_WEBP_MAX_SIDE, width, height);
    }
    WebPConfig config;
    WebPPicture picture;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&picture)) {
        return drover_webp_fail(message, message_size, DROVER_IMG_UNSUPPORTED, "libwebp version mismatch");
    }
    config.lossless = options->lossless ? 1 : 0;
    config.quality = (float)(options->quality < 0 ? 0 : options->quality > 100 ? 100 : options->quality);
    config.method = options->method < 0 ? 0 : options->method > 6 ? 6 : options->method;
    // Lossless means every sample, also the colors of fully transparent pixels.
    config.exact = options->lossless ? 1 : 0;
    if (!WebPValidateConfig(&config)) {
        return drover_webp_fail(message, message_size, DROVER_IMG_UNSUPPORTED, "invalid WebP settings");
    }
    picture.use_argb = config.lossless;
    picture.width = (int)width;
    picture.height = (int)height;
    int imported = channels == 4 ? WebPPictureImportRGBA(&picture, pixels, (int)stride)
                                 : WebPPictureImportRGB(&picture, pixels, (int)stride);
    if (!imported) {
        WebPPictureFree(&picture);
        return drover_webp_fail(message, message_size, DROVER_IMG_MEMORY, "out of memory");
    }
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    int status = DROVER_IMG_OK;
    if (!WebPEncode(&config, &picture)) {
        status = drover_webp_encode_status(picture.error_code, message, message_size);
    } else if (options->icc_length || options->exif_length) {
        status = drover_webp_mux(&writer, options, output, output_length, message, message_size);
    } else {
        status = drover_webp_output(writer.mem, writer.size, output, output_length);
        if (status != DROVER_IMG_OK) drover_webp_fail(message, message_size, status, "out of memory");
    }
    WebPMemoryWriterClear(&writer);
    WebPPictureFree(&picture);
    return status;
}
