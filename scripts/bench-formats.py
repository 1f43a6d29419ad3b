#!/usr/bin/env python3
"""WebP and AVIF encoders compared at equal SSIM, on the same 320 px thumbnails (called by scripts/bench-image).

    scripts/bench-formats.py DROVER REFERENCE_DIR WORK_DIR JPEG_DIR

REFERENCE_DIR holds lossless (PNG) thumbnails, the source every encoder gets; JPEG_DIR holds drover's q82 JPEG
thumbnails of the same images. For each encoder a sweep of quality settings encodes every reference, then each
output is decoded with Pillow and compared with its reference: mean SSIM (scikit-image, Gaussian weights, sigma
1.5, as in the issue) and total bytes. The target SSIM is that of drover's q82 JPEGs; each encoder's bytes at that
SSIM are interpolated between the two sweep points around it (linear in SSIM, log in bytes). Prints a Markdown
table. Encoders run two at a time (xargs -P2); times are wall seconds for the whole set at the setting nearest the
target.
"""
import math, os, shutil, subprocess, sys, time

import numpy
from PIL import Image
from skimage.metrics import structural_similarity

drover, reference, work, jpegs = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
names = sorted(n for n in os.listdir(reference) if n.endswith(".png"))


def pixels(path):
    return numpy.asarray(Image.open(path).convert("RGB"), dtype=numpy.uint8)


refs = {n: pixels(os.path.join(reference, n)) for n in names}


def ssim(a, b):
    return structural_similarity(a, b, channel_axis=2, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=255)


def measure(folder, extension):
    """Mean SSIM and total bytes of the outputs in `folder` (one per reference, same stem)."""
    scores, total = [], 0
    for name in names:
        path = os.path.join(folder, name[:-4] + "." + extension)
        total += os.path.getsize(path)
        scores.append(ssim(refs[name], pixels(path)))
    return sum(scores) / len(scores), total


def run_each(command_for, out):
    """Runs one command per reference, two at a time; returns the wall time."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    lines = "\n".join(command_for(os.path.join(reference, n), os.path.join(out, n[:-4])) for n in names) + "\n"
    started = time.perf_counter()
    subprocess.run(["xargs", "-P2", "-d", "\n", "-n1", "sh", "-c"], input=lines, text=True,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def drover_run(fmt, quality, out, speed=None):
    recipe = os.path.join(work, f"recipe-{fmt}.yaml")
    extra = f"\n    speed: {speed}" if speed is not None else ""
    with open(recipe, "w") as f:
        f.write(f"outputs:\n  - name: o\n    format: {fmt}\n    quality: {quality}{extra}\n    file: \"{{name}}.{{ext}}\"\n")
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([drover, "image", "--recipe", recipe, "--input", reference, "--output", out, "--quiet",
                    "--jobs", "2", "--report", "/dev/null"], check=True)
    return time.perf_counter() - started


def q(text):
    return "'" + text.replace("'", "'\\''") + "'"


encoders = {
    "webp": {
        "drover": (range(40, 101, 10), lambda Q, out: drover_run("webp", Q, out)),
        "cwebp 1.2": (range(40, 101, 10), lambda Q, out: run_each(lambda i, o: f"cwebp -quiet -q {Q} {q(i)} -o {q(o + '.webp')}", out)),
        "vips 8.14": (range(40, 101, 10), lambda Q, out: run_each(lambda i, o: f"vips webpsave {q(i)} {q(o + '.webp')} --Q {Q}", out)),
    },
    "avif": {
        "drover": (range(30, 101, 10), lambda Q, out: drover_run("avif", Q, out)),
        # avifenc 0.11 has no quality option: its quantizer (0 best .. 63) is swept instead.
        "avifenc 0.11": (range(8, 57, 6), lambda Q, out: run_each(lambda i, o: f"avifenc -j 1 --min {Q} --max {Q} {q(i)} {q(o + '.avif')}", out)),
        "vips 8.14": (range(30, 101, 10), lambda Q, out: run_each(lambda i, o: f"vips heifsave {q(i)} {q(o + '.avif')} --Q {Q} --compression av1", out)),
    },
}

target, jpeg_bytes = measure(jpegs, "jpg")
print(f"\ntarget: drover's q82 JPEG thumbnails, mean SSIM {target:.4f}, {jpeg_bytes:,} bytes ({len(names)} images)\n")
print("| format | encoder | bytes at equal SSIM | vs q82 JPEG | drover's bytes vs this | time s (2 workers) | sweep (setting: SSIM, bytes) |")
print("|---|---|---:|---:|---:|---:|---|")
for fmt, tools in encoders.items():
    results = {}
    for tool, (settings, encode) in tools.items():
        points = []
        for setting in settings:
            out = os.path.join(work, f"{fmt}-{tool.split()[0]}-{setting}")
            seconds = encode(setting, out)
            score, size = measure(out, fmt)
            points.append((score, size, setting, seconds))
        points.sort()
        below = [p for p in points if p[0] <= target]
        above = [p for p in points if p[0] >= target]
        if below and above:
            (s0, b0, _, t0), (s1, b1, _, t1) = below[-1], above[0]
            f = 0 if s1 == s0 else (target - s0) / (s1 - s0)
            bytes_at = math.exp(math.log(b0) + f * (math.log(b1) - math.log(b0)))
            seconds = t0 + f * (t1 - t0)
        else:
            bytes_at, seconds = float("nan"), float("nan")
        results[tool] = (bytes_at, seconds, points)
    mine = results["drover"][0]
    for tool, (bytes_at, seconds, points) in results.items():
        sweep = ", ".join(f"{p[2]}: {p[0]:.4f}, {p[1]:,}" for p in points)
        ratio = "—" if tool == "drover" else f"{mine / bytes_at:.3f}"
        print(f"| {fmt} | {tool} | {bytes_at:,.0f} | {bytes_at / jpeg_bytes:.0%} | {ratio} | {seconds:.2f} | {sweep} |")
