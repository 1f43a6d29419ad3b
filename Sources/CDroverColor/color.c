// ICC profiles and transforms to sRGB through LittleCMS 2, one LittleCMS context per profile or transform.

#include "CDroverColor.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lcms2.h>
#include <lcms2_plugin.h>

/// Memory one context may hold at once: a parsed profile (at most DROVER_COLOR_MAX_PROFILE_BYTES of data, some of it
/// widened to 16 bits) and the precalculated tables of an 8-bit transform fit many times over.
#define DROVER_COLOR_MEMORY_LIMIT (96u * 1024u * 1024u)

/// What a context reports: its first error message, and the memory it holds against its limit. It is the context's
/// user data, so LittleCMS hands it back to the callbacks below; it outlives the context. A transform is built on one
/// thread but may then run on several, so the count is atomic (running an 8-bit transform neither allocates nor logs).
typedef struct {
    _Atomic size_t used;
    size_t limit;
    int refused;
    char message[256];
} drover_color_state;

struct drover_color_transform {
    drover_color_state state;
    cmsContext context;
    cmsHTRANSFORM transform;
    int input_channels;
    int output_channels;
};

// MARK: - The context: bounded memory and a private error log

/// Every block starts with a header: its size and the state it was counted against (NULL for the few blocks
/// LittleCMS allocates while the context itself is being made or torn down, which it cannot attribute).
typedef struct {
    size_t size;
    drover_color_state *state;
} drover_color_block;

#define DROVER_COLOR_HEADER ((sizeof(drover_color_block) + 15u) & ~(size_t)15u)

static void *drover_color_malloc(cmsContext context, cmsUInt32Number size) {
    drover_color_state *state = context ? cmsGetContextUserData(context) : NULL;
    if (state && (size > state->limit || atomic_load(&state->used) > state->limit - size)) {
        state->refused = 1;
        return NULL;
    }
    uint8_t *raw = malloc(DROVER_COLOR_HEADER + (size_t)size);
    if (!raw) return NULL;
    drover_color_block *block = (drover_color_block *)raw;
    block->size = size;
    block->state = state;
    if (state) atomic_fetch_add(&state->used, size);
    return raw + DROVER_COLOR_HEADER;
}

static void drover_color_free(cmsContext context, void *pointer) {
    (void)context;
    if (!pointer) return;
    uint8_t *raw = (uint8_t *)pointer - DROVER_COLOR_HEADER;
    drover_color_block *block = (drover_color_block *)raw;
    if (block->state) atomic_fetch_sub(&block->state->used, block->size);
    free(raw);
}

static void *drover_color_realloc(cmsContext context, void *pointer, cmsUInt32Number size) {
    if (!pointer) return drover_color_malloc(context, size);
    uint8_t *raw = (uint8_t *)pointer - DROVER_COLOR_HEADER;
    drover_color_block *block = (drover_color_block *)raw;
    drover_color_state *state = block->state;
    size_t old = block->size;
    if (state && size > old && (size > state->limit || atomic_load(&state->used) - old > state->limit - size)) {
        state->refused = 1;
        return NULL;
    }
    uint8_t *grown = realloc(raw, DROVER_COLOR_HEADER + (size_t)size);
    if (!grown) return NULL;
    block = (drover_color_block *)grown;
    block->size = size;
    if (state) {
        atomic_fetch_add(&state->used, size);
        atomic_fetch_sub(&state->used, old);
    }
    return grown + DROVER_COLOR_HEADER;
}

static cmsPluginMemHandler drover_color_memory = {
    .base = {.Magic = cmsPluginMagicNumber, .ExpectedVersion = 2060, .Type = cmsPluginMemHandlerSig, .Next = NULL},
    .MallocPtr = drover_color_malloc,
    .FreePtr = drover_color_free,
    .ReallocPtr = drover_color_realloc,
};

static void drover_color_log(cmsContext context, cmsUInt32Number code, const char *text) {
    (void)code;
    drover_color_state *state = context ? cmsGetContextUserData(context) : NULL;
    if (state && state->message[0] == 0) snprintf(state->message, sizeof(state->message), "%s", text ? text : "");
}

static cmsContext drover_color_context(drover_color_state *state) {
    memset(state, 0, sizeof(*state));
    atomic_init(&state->used, 0);
    state->limit = DROVER_COLOR_MEMORY_LIMIT;
    cmsContext context = cmsCreateContext(&drover_color_memory, state);
    if (context) cmsSetLogErrorHandlerTHR(context, drover_color_log);
    return context;
}

/// Copies the state's message (or `fallback`) to the caller and returns `code` (MEMORY when an allocation was refused).
static int drover_color_fail(const drover_color_state *state, int code, const char *fallback, char *message,
                             size_t message_size) {
    if (state->refused) code = DROVER_COLOR_LIMIT;
    if (message && message_size) {
        if (state->refused)
            snprintf(message, message_size, "ICC profile needs more than %u MiB to use", DROVER_COLOR_MEMORY_LIMIT >> 20);
        else if (state->message[0])
            snprintf(message, message_size, "%s: %s", fallback, state->message);
        else
            snprintf(message, message_size, "%s", fallback);
    }
    return code;
}

static void drover_color_signature(uint32_t signature, char text[5]) {
    for (int i = 0; i < 4; i++) {
        char c = (char)(signature >> (24 - 8 * i));
        text[i] = c >= 32 && c < 127 ? c : '?';
    }
    text[4] = 0;
}

// MARK: - Profiles

static uint32_t drover_color_u32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/// Opens and checks a profile in `context`. On failure returns the status and fills `message`.
static int drover_color_open(drover_color_state *state, cmsContext context, const uint8_t *icc, size_t length,
                             cmsHPROFILE *profile, drover_color_profile_info *info, char *message,
                             size_t message_size) {
    *profile = NULL;
    if (length < 132) {
        snprintf(message, message_size, "ICC profile is %zu bytes, too short to be one", length);
        return DROVER_COLOR_CORRUPT;
    }
    if (length > DROVER_COLOR_MAX_PROFILE_BYTES) {
        snprintf(message, message_size, "ICC profile is %zu bytes, over the limit of %u", length,
                 DROVER_COLOR_MAX_PROFILE_BYTES);
        return DROVER_COLOR_LIMIT;
    }
    if (memcmp(icc + 36, "acsp", 4) != 0) {
        snprintf(message, message_size, "not an ICC profile (no 'acsp' signature)");
        return DROVER_COLOR_CORRUPT;
    }
    // The checks libpng makes before it writes a profile, so that a profile used here can also be kept in a PNG.
    if (drover_color_u32(icc) != length) {
        snprintf(message, message_size, "malformed ICC profile: its header says %u bytes, it has %zu", drover_color_u32(icc),
                 length);
        return DROVER_COLOR_CORRUPT;
    }
    if (drover_color_u32(icc + 64) > 3) {
        snprintf(message, message_size, "malformed ICC profile: rendering intent %u", drover_color_u32(icc + 64));
        return DROVER_COLOR_CORRUPT;
    }
    uint32_t tags = drover_color_u32(icc + 128);
    if (tags > (length - 132) / 12) {
        snprintf(message, message_size, "malformed ICC profile: %u tags do not fit in it", tags);
        return DROVER_COLOR_CORRUPT;
    }
    for (uint32_t i = 0; i < tags; i++) {
        const uint8_t *entry = icc + 132 + 12 * (size_t)i;
        uint64_t offset = drover_color_u32(entry + 4), size = drover_color_u32(entry + 8);
        if (offset < 132 || offset + size > length) {
            snprintf(message, message_size, "malformed ICC profile: tag %u lies outside it", i);
            return DROVER_COLOR_CORRUPT;
        }
    }
    *profile = cmsOpenProfileFromMemTHR(context, icc, (cmsUInt32Number)length);
    if (!*profile) return drover_color_fail(state, DROVER_COLOR_CORRUPT, "malformed ICC profile", message, message_size);
    memset(info, 0, sizeof(*info));
    cmsColorSpaceSignature space = cmsGetColorSpace(*profile);
    cmsProfileClassSignature class = cmsGetDeviceClass(*profile);
    cmsColorSpaceSignature pcs = cmsGetPCS(*profile);
    char name[5];
    switch (space) {
    case cmsSigGrayData: info->space = DROVER_COLOR_SPACE_GRAY; break;
    case cmsSigRgbData: info->space = DROVER_COLOR_SPACE_RGB; break;
    case cmsSigCmykData: info->space = DROVER_COLOR_SPACE_CMYK; break;
    default:
        drover_color_signature(space, name);
        snprintf(message, message_size, "ICC profile describes '%s' data (Drover converts gray, RGB and CMYK)", name);
        return DROVER_COLOR_UNSUPPORTED;
    }
    if (class != cmsSigInputClass && class != cmsSigDisplayClass && class != cmsSigOutputClass &&
        class != cmsSigColorSpaceClass) {
        drover_color_signature(class, name);
        snprintf(message, message_size, "ICC profile of class '%s' cannot describe an image", name);
        return DROVER_COLOR_UNSUPPORTED;
    }
    if (pcs != cmsSigXYZData && pcs != cmsSigLabData) {
        drover_color_signature(pcs, name);
        snprintf(message, message_size, "malformed ICC profile: connection space '%s'", name);
        return DROVER_COLOR_CORRUPT;
    }
    info->device_class = (uint32_t)class;
    info->version = cmsGetEncodedICCversion(*profile);
    cmsGetProfileInfoASCII(*profile, cmsInfoDescription, "en", "US", info->description, sizeof(info->description));
    info->description[sizeof(info->description) - 1] = 0;
    return DROVER_COLOR_OK;
}

int drover_color_inspect(const uint8_t *icc, size_t length, drover_color_profile_info *info, char *message,
                         size_t message_size) {
    drover_color_state *state = malloc(sizeof(drover_color_state));
    if (!state) return DROVER_COLOR_MEMORY;
    cmsContext context = drover_color_context(state);
    int code = DROVER_COLOR_MEMORY;
    if (context) {
        cmsHPROFILE profile;
        code = drover_color_open(state, context, icc, length, &profile, info, message, message_size);
        if (profile) cmsCloseProfile(profile);
        cmsDeleteContext(context);
    } else if (message && message_size) {
        snprintf(message, message_size, "out of memory");
    }
    free(state);
    return code;
}

// MARK: - Transforms

/// sRGB's tone curve (IEC 61966-2-1) as an ICC parametric curve of type 4.
static cmsToneCurve *drover_color_srgb_curve(cmsContext context) {
    const cmsFloat64Number parameters[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
    return cmsBuildParametricToneCurve(context, 4, parameters);
}

/// The output profile for `space`: gray with sRGB's tone curve, or LittleCMS's built-in sRGB.
static cmsHPROFILE drover_color_output(cmsContext context, int space) {
    if (space != DROVER_COLOR_SPACE_GRAY) return cmsCreate_sRGBProfileTHR(context);
    cmsToneCurve *curve = drover_color_srgb_curve(context);
    if (!curve) return NULL;
    cmsHPROFILE profile = cmsCreateGrayProfileTHR(context, cmsD50_xyY(), curve);
    cmsFreeToneCurve(curve);
    return profile;
}

static int drover_color_layout_space(int layout) {
    switch (layout) {
    case DROVER_COLOR_GRAY:
    case DROVER_COLOR_GRAY_ALPHA: return DROVER_COLOR_SPACE_GRAY;
    case DROVER_COLOR_RGB:
    case DROVER_COLOR_RGBA: return DROVER_COLOR_SPACE_RGB;
    case DROVER_COLOR_CMYK:
    case DROVER_COLOR_CMYK_INVERTED: return DROVER_COLOR_SPACE_CMYK;
    default: return 0;
    }
}

int drover_color_transform_create(const uint8_t *icc, size_t length, int layout, drover_color_transform **transform,
                                  char *message, size_t message_size) {
    *transform = NULL;
    drover_color_transform *made = calloc(1, sizeof(drover_color_transform));
    if (!made) return DROVER_COLOR_MEMORY;
    made->context = drover_color_context(&made->state);
    if (!made->context) {
        free(made);
        snprintf(message, message_size, "out of memory");
        return DROVER_COLOR_MEMORY;
    }
    cmsHPROFILE input = NULL, output = NULL;
    drover_color_profile_info info;
    int code = drover_color_open(&made->state, made->context, icc, length, &input, &info, message, message_size);
    if (code == DROVER_COLOR_OK && drover_color_layout_space(layout) != info.space) {
        snprintf(message, message_size, "ICC profile for %s pixels given %d-channel pixels",
                 info.space == DROVER_COLOR_SPACE_GRAY ? "gray" : info.space == DROVER_COLOR_SPACE_RGB ? "RGB" : "CMYK",
                 layout >= DROVER_COLOR_CMYK ? 4 : layout);
        code = DROVER_COLOR_UNSUPPORTED;
    }
    if (code == DROVER_COLOR_OK) {
        static const cmsUInt32Number formats[][2] = {
            {TYPE_GRAY_8, TYPE_GRAY_8}, {TYPE_GRAYA_8, TYPE_GRAYA_8}, {TYPE_RGB_8, TYPE_RGB_8},
            {TYPE_RGBA_8, TYPE_RGBA_8}, {TYPE_CMYK_8, TYPE_RGB_8},    {TYPE_CMYK_8_REV, TYPE_RGB_8},
        };
        static const int channels[][2] = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {4, 3}, {4, 3}};
        int alpha = layout == DROVER_COLOR_GRAY_ALPHA || layout == DROVER_COLOR_RGBA;
        // NOCACHE: the transform keeps no one-pixel cache, so several threads may use it at once.
        cmsUInt32Number flags = cmsFLAGS_NOCACHE | (alpha ? cmsFLAGS_COPY_ALPHA : 0);
        output = drover_color_output(made->context, info.space);
        if (output)
            made->transform = cmsCreateTransformTHR(made->context, input, formats[layout - 1][0], output,
                                                    formats[layout - 1][1], INTENT_RELATIVE_COLORIMETRIC, flags);
        if (!made->transform) {
            code = drover_color_fail(&made->state, DROVER_COLOR_CORRUPT, "ICC profile cannot be used", message,
                                     message_size);
        } else {
            made->input_channels = channels[layout - 1][0];
            made->output_channels = channels[layout - 1][1];
        }
    }
    if (input) cmsCloseProfile(input);
    if (output) cmsCloseProfile(output);
    if (code != DROVER_COLOR_OK) {
        drover_color_transform_destroy(made);
        return code;
    }
    *transform = made;
    return DROVER_COLOR_OK;
}

void drover_color_transform_destroy(drover_color_transform *transform) {
    if (!transform) return;
    if (transform->transform) cmsDeleteTransform(transform->transform);
    if (transform->context) cmsDeleteContext(transform->context);
    free(transform);
}

int drover_color_transform_input_channels(const drover_color_transform *transform) { return transform->input_channels; }

int drover_color_transform_output_channels(const drover_color_transform *transform) {
    return transform->output_channels;
}

void drover_color_transform_apply(const drover_color_transform *transform, const uint8_t *input, size_t input_stride,
                                  uint8_t *output, size_t output_stride, uint32_t width, uint32_t rows) {
    if (width == 0 || rows == 0) return;
    cmsDoTransformLineStride(transform->transform, input, output, width, rows, (cmsUInt32Number)input_stride,
                             (cmsUInt32Number)output_stride, 0, 0);
}

// MARK: - Profiles from code points

/// The tone curve of a DROVER_COLOR_CURVE_ value (ICC parametric type 4: Y = (aX + b)^g for X >= d, else cX).
static cmsToneCurve *drover_color_curve(cmsContext context, int curve) {
    switch (curve) {
    case DROVER_COLOR_CURVE_SRGB: return drover_color_srgb_curve(context);
    case DROVER_COLOR_CURVE_BT709: {
        const cmsFloat64Number parameters[5] = {1.0 / 0.45, 1.0 / 1.099, 0.099 / 1.099, 1.0 / 4.5, 0.081};
        return cmsBuildParametricToneCurve(context, 4, parameters);
    }
    case DROVER_COLOR_CURVE_GAMMA22: return cmsBuildGamma(context, 2.2);
    case DROVER_COLOR_CURVE_GAMMA28: return cmsBuildGamma(context, 2.8);
    case DROVER_COLOR_CURVE_LINEAR: return cmsBuildGamma(context, 1.0);
    default: return NULL;
    }
}

int drover_color_rgb_profile(const double chromaticities[8], int curve, const char *description, uint8_t **icc,
                             size_t *length, char *message, size_t message_size) {
    *icc = NULL;
    *length = 0;
    drover_color_state *state = malloc(sizeof(drover_color_state));
    if (!state) return DROVER_COLOR_MEMORY;
    cmsContext context = drover_color_context(state);
    int code = DROVER_COLOR_MEMORY;
    int known = curve == DROVER_COLOR_CURVE_SRGB || curve == DROVER_COLOR_CURVE_BT709 || curve == DROVER_COLOR_CURVE_GAMMA22 ||
                curve == DROVER_COLOR_CURVE_GAMMA28 || curve == DROVER_COLOR_CURVE_LINEAR;
    cmsToneCurve *tone = context && known ? drover_color_curve(context, curve) : NULL;
    if (!known) {
        snprintf(message, message_size, "no tone curve for transfer characteristics %d", curve);
        code = DROVER_COLOR_UNSUPPORTED;
    } else if (tone) {
        const cmsCIExyY white = {chromaticities[6], chromaticities[7], 1.0};
        const cmsCIExyYTRIPLE primaries = {
            {chromaticities[0], chromaticities[1], 1.0},
            {chromaticities[2], chromaticities[3], 1.0},
            {chromaticities[4], chromaticities[5], 1.0},
        };
        cmsToneCurve *curves[3] = {tone, tone, tone};
        cmsHPROFILE profile = cmsCreateRGBProfileTHR(context, &white, &primaries, curves);
        cmsMLU *text = profile ? cmsMLUalloc(context, 1) : NULL;
        if (text && cmsMLUsetASCII(text, "en", "US", description)) cmsWriteTag(profile, cmsSigProfileDescriptionTag, text);
        cmsUInt32Number size = 0;
        if (profile && cmsSaveProfileToMem(profile, NULL, &size) && size > 0 && (*icc = malloc(size)) != NULL) {
            if (cmsSaveProfileToMem(profile, *icc, &size)) {
                *length = size;
                code = DROVER_COLOR_OK;
            } else {
                free(*icc);
                *icc = NULL;
            }
        }
        if (code != DROVER_COLOR_OK) code = drover_color_fail(state, DROVER_COLOR_CORRUPT, "cannot build the profile", message, message_size);
        if (text) cmsMLUfree(text);
        if (profile) cmsCloseProfile(profile);
        cmsFreeToneCurve(tone);
    }
    if (context) cmsDeleteContext(context);
    free(state);
    return code;
}
