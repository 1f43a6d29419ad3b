#!/usr/bin/env python3
"""Reference outputs from Pillow for Drover's image tests.

usage: pillow-reference.py INPUT.png OUTDIR
       pillow-reference.py --thumbnail INPUT OUTPUT.png WIDTH HEIGHT
       pillow-reference.py --decode INPUT OUTPUT.png
       pillow-reference.py --srgb INPUT OUTPUT.png WIDTH HEIGHT
Writes one lossless PNG per operation (names match ReferenceTests.swift). INPUT must be RGB; an RGBA variant with
an alpha gradient is made here for the alpha-resize check.
"""
import io
import sys
from PIL import Image, ImageCms, ImageEnhance, ImageFilter

if sys.argv[1] == "--thumbnail":
    # pillow-reference.py --thumbnail INPUT OUTPUT.png WIDTH HEIGHT: full decode, one Lanczos resize.
    thumb = Image.open(sys.argv[2]).convert("RGB").resize((int(sys.argv[4]), int(sys.argv[5])), Image.LANCZOS)
    thumb.save(sys.argv[3])
    sys.exit(0)

if sys.argv[1] == "--decode":
    # pillow-reference.py --decode INPUT OUTPUT.png: Pillow's own decoder (WebP, AVIF), as RGB or RGBA.
    image = Image.open(sys.argv[2])
    image.convert("RGBA" if "A" in image.getbands() else "RGB").save(sys.argv[3])
    sys.exit(0)

if sys.argv[1] == "--srgb":
    # pillow-reference.py --srgb INPUT OUTPUT.png WIDTH HEIGHT: full decode, the embedded profile converted to sRGB by
    # LittleCMS (relative colorimetric, no black point compensation, as Drover does; Pillow's own default intent is
    # perceptual, which gives the same result for matrix/TRC profiles but not for LUT-based CMYK ones), then one
    # Lanczos resize.
    im = Image.open(sys.argv[2])
    profile = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
    im = ImageCms.profileToProfile(im, profile, ImageCms.createProfile("sRGB"),
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="RGB")
    size = (int(sys.argv[4]), int(sys.argv[5]))
    if im.size != size:
        im = im.resize(size, Image.LANCZOS)
    im.save(sys.argv[3])
    sys.exit(0)

source, out = sys.argv[1], sys.argv[2]
im = Image.open(source).convert("RGB")
w, h = im.size
ops = {
    "resize-half": lambda: im.resize((w // 2, h // 2), Image.LANCZOS),
    "resize-small": lambda: im.resize((150, round(h * 150 / w)), Image.LANCZOS),
    "resize-up": lambda: im.resize((round(w * 1.4), round(h * 1.4)), Image.LANCZOS),
    "blur": lambda: im.filter(ImageFilter.GaussianBlur(2)),
    "sharpen": lambda: im.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=3)),
    "grayscale": lambda: im.convert("L"),
    "brightness": lambda: ImageEnhance.Brightness(im).enhance(1.3),
    "contrast": lambda: ImageEnhance.Contrast(im).enhance(1.4),
    "saturation": lambda: ImageEnhance.Color(im).enhance(1.6),
    "rotate90": lambda: im.transpose(Image.Transpose.ROTATE_270),
    "rotate180": lambda: im.transpose(Image.Transpose.ROTATE_180),
    "rotate270": lambda: im.transpose(Image.Transpose.ROTATE_90),
    "flip": lambda: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    "flop": lambda: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
}
alpha = Image.linear_gradient("L").resize((w, h))
rgba = im.copy()
rgba.putalpha(alpha)
rgba.save(f"{out}/rgba-input.png")
ops["rgba-resize"] = lambda: rgba.resize((w // 3, h // 3), Image.LANCZOS)
for name, op in ops.items():
    op().save(f"{out}/{name}.png")
