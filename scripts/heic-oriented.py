#!/usr/bin/env python3
"""Writes a HEIC whose irot/imir boxes carry an EXIF orientation, through Debian's libheif (for Drover's tests).

usage: heic-oriented.py INPUT.png OUTPUT.heic ORIENTATION
heif-enc 1.15 copies the EXIF orientation of its input but writes no irot/imir, which is what phones write and what
HEIF readers follow; libheif's own encoder writes them when asked (heif_encoding_options.image_orientation, 1.14+).
INPUT is read with Pillow as 8-bit RGB; ORIENTATION is 1-8, as in EXIF (how the stored pixels are to be turned).
"""
import ctypes
import sys

from PIL import Image


class Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("subcode", ctypes.c_int), ("message", ctypes.c_char_p)]


class EncodingOptions(ctypes.Structure):
    # struct heif_encoding_options of libheif 1.15 (version 5).
    _fields_ = [
        ("version", ctypes.c_uint8), ("save_alpha_channel", ctypes.c_uint8),
        ("macOS_compatibility_workaround", ctypes.c_uint8),
        ("save_two_colr_boxes_when_ICC_and_nclx_available", ctypes.c_uint8),
        ("output_nclx_profile", ctypes.c_void_p), ("macOS_compatibility_workaround_no_nclx_profile", ctypes.c_uint8),
        ("image_orientation", ctypes.c_int),
    ]


def main():
    source, target, orientation = sys.argv[1], sys.argv[2], int(sys.argv[3])
    heif = ctypes.CDLL("libheif.so.1")
    for name in ["heif_init", "heif_context_get_encoder_for_format", "heif_encoder_set_lossy_quality",
                 "heif_image_create", "heif_image_add_plane", "heif_context_encode_image", "heif_context_write_to_file"]:
        getattr(heif, name).restype = Error
    heif.heif_context_alloc.restype = ctypes.c_void_p
    heif.heif_image_get_plane.restype = ctypes.POINTER(ctypes.c_uint8)
    heif.heif_image_get_plane.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    heif.heif_encoding_options_alloc.restype = ctypes.POINTER(EncodingOptions)

    def check(error):
        if error.code != 0:
            sys.exit(f"libheif: {error.message.decode()}")

    check(heif.heif_init(None))
    image = Image.open(source).convert("RGB")
    width, height = image.size
    context = ctypes.c_void_p(heif.heif_context_alloc())
    encoder = ctypes.c_void_p()
    check(heif.heif_context_get_encoder_for_format(context, 1, ctypes.byref(encoder)))  # heif_compression_HEVC
    check(heif.heif_encoder_set_lossy_quality(encoder, 92))
    picture = ctypes.c_void_p()
    check(heif.heif_image_create(width, height, 1, 10, ctypes.byref(picture)))  # RGB, interleaved RGB
    check(heif.heif_image_add_plane(picture, 10, width, height, 8))  # heif_channel_interleaved
    stride = ctypes.c_int()
    plane = heif.heif_image_get_plane(picture, 10, ctypes.byref(stride))
    rows = image.tobytes()
    for y in range(height):
        ctypes.memmove(ctypes.addressof(plane.contents) + y * stride.value, rows[y * width * 3:(y + 1) * width * 3], width * 3)
    options = heif.heif_encoding_options_alloc()
    if options.contents.version < 5:
        sys.exit("libheif is older than 1.14: no image_orientation")
    options.contents.image_orientation = orientation
    check(heif.heif_context_encode_image(context, picture, encoder, options, None))
    check(heif.heif_context_write_to_file(context, target.encode()))


main()
