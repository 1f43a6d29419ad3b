// AVIF writing through libavif, into memory. libavif returns result codes (it never jumps); each is mapped here to a
// DROVER_IMG_* code and a message.

#include "CDroverAVIF.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <avif/avif.h>

static int drover_avif_fail(char *message, size_t size, int code, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, size, format, arguments);
    va_end(arguments);
    return code;
}

int drover_avif_quantizer(int quality) {
    if (quality < 1) quality = 1;
    if (quality > 100) quality = 100;
    return ((100 - quality) * AVIF_QUANTIZER_WORST_QUALITY + 50) / 100;
}

/// Gray (and gray+alpha) samples spread to RGB (and RGBA), in a new buffer of rows of `width * (channels + 2)` bytes.
static uint8_t *drover_avif_gray_to_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                                        size_t stride) {
    int out_channels = channels + 2;
    uint8_t *rgb = malloc((size_t)width * height * out_channels);
    if (!rgb) return NULL;
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *in = pixels + y * stride;
        uint8_t *out = rgb + (size_t)y * width * out_channels;
        for (uint32_t x = 0; x < width; x++, in += channels, out += out_channels) {
            out[0] = out[1] = out[2] = in[0];
            if (channels == 2) out[3] = in[1];
        }
    }
    return rgb;
}

static int drover_avif_result(avifResult result, const avifEncoder *encoder, char *message, size_t size) {
    int code = result == AVIF_RESULT_OUT_OF_MEMORY ? DROVER_IMG_MEMORY : DROVER_IMG_UNSUPPORTED;
    const char *detail = encoder && encoder->diag.error[0] ? encoder->diag.error : "";
    return drover_avif_fail(message, size, code, "libavif could not encode: %s%s%s", avifResultToString(result),
                            detail[0] ? ": " : "", detail);
}

int drover_avif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                       const drover_avif_write_options *options, uint8_t **output, size_t *output_length,
                       char *message, size_t message_size) {
    *output = NULL;
    *output_length = 0;
    if (channels < 1 || channels > 4 || width == 0 || height == 0) {
        return drover_avif_fail(message, message_size, DROVER_IMG_UNSUPPORTED, "cannot encode %u x %u x %d as AVIF", width,
                                height, channels);
    }
    uint8_t *expanded = NULL;
    int gray = channels <= 2;
    if (gray) {
        expanded = drover_avif_gray_to_rgb(pixels, width, height, channels, stride);
        if (!expanded) return drover_avif_fail(message, message_size, DROVER_IMG_MEMORY, "out of memory");
        channels += 2;
        stride = (size_t)width * channels;
        pixels = expanded;
    }
    avifPixelFormat format = gray                        ? AVIF_PIXEL_FORMAT_YUV400
                             : options->subsampling == 444 ? AVIF_PIXEL_FORMAT_YUV444
                             : options->subsampling == 422 ? AVIF_PIXEL_FORMAT_YUV422
                                                           : AVIF_PIXEL_FORMAT_YUV420;
    avifImage *image = avifImageCreate(width, height, 8, format);
    avifEncoder *encoder = avifEncoderCreate();
    avifRWData encoded = AVIF_DATA_EMPTY;
    int status = DROVER_IMG_OK;
    if (!image || !encoder) {
        status = drover_avif_fail(message, message_size, DROVER_IMG_MEMORY, "out of memory");
        goto done;
    }
    image->yuvRange = AVIF_RANGE_FULL;
    image->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
    image->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
    image->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
    if (options->icc_length) avifImageSetProfileICC(image, options->icc, options->icc_length);
    if (options->exif_length) avifImageSetMetadataExif(image, options->exif, options->exif_length);

    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, image);
    rgb.format = channels == 4 ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
    rgb.depth = 8;
    rgb.pixels = (uint8_t *)pixels;
    rgb.rowBytes = (uint32_t)stride;
    avifResult result = avifImageRGBToYUV(image, &rgb);
    if (result != AVIF_RESULT_OK) {
        status = drover_avif_result(result, NULL, message, message_size);
        goto done;
    }
    int quantizer = drover_avif_quantizer(options->quality);
    encoder->maxThreads = 1;
    encoder->speed = options->speed < AVIF_SPEED_SLOWEST ? AVIF_SPEED_SLOWEST
                     : options->speed > AVIF_SPEED_FASTEST ? AVIF_SPEED_FASTEST
                                                           : options->speed;
    encoder->minQuantizer = encoder->maxQuantizer = quantizer;
    encoder->minQuantizerAlpha = encoder->maxQuantizerAlpha = quantizer;
    result = avifEncoderWrite(encoder, image, &encoded);
    if (result != AVIF_RESULT_OK) {
        status = drover_avif_result(result, encoder, message, message_size);
        goto done;
    }
    *output = malloc(encoded.size ? encoded.size : 1);
    if (!*output) {
        status = drover_avif_fail(message, message_size, DROVER_IMG_MEMORY, "out of memory");
        goto done;
    }
    memcpy(*output, encoded.data, encoded.size);
    *output_length = encoded.size;
done:
    avifRWDataFree(&encoded);
    if (encoder) avifEncoderDestroy(encoder);
    if (image) avifImageDestroy(image);
    free(expanded);
    return status;
}
