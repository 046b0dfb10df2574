#!/usr/bin/python3
"""Builds a pyramidal JPEG TIFF slide with a known layout from a real tissue image.

The image (for example scikit-image's immunohistochemistry sample, ihc.png from Debian's python3-skimage)
is tiled into a rectangular block placed on an off-white "glass" background, with wide blank margins.
Optionally a black scanner border and a green pen stroke are added in the margins, so that tissue
detection can be checked against a layout known in advance. The layout is printed as JSON.

Needs Debian's python3-pil and libvips-tools. Used by install/install.sh (the sample slide) and by tests.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw

GLASS = (243, 243, 241)  # what an empty, lit slide looks like to a scanner: not pure white


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image", required=True, help="tissue image to tile (RGB)")
    p.add_argument("--out", required=True, help="pyramidal TIFF to write")
    p.add_argument("--width", type=int, default=6144, help="slide width in pixels (default 6144)")
    p.add_argument("--height", type=int, default=4096, help="slide height in pixels (default 4096)")
    p.add_argument("--block-x", type=int, default=2048, help="left edge of the tissue block")
    p.add_argument("--block-y", type=int, default=1024, help="top edge of the tissue block")
    p.add_argument("--cols", type=int, default=3, help="copies of the image across the block")
    p.add_argument("--rows", type=int, default=2, help="copies of the image down the block")
    p.add_argument("--mpp", type=float, default=0.5, help="micrometres per pixel written to the TIFF tags")
    p.add_argument("--black-border", type=int, default=0, help="width of a black scanner border on the left edge")
    p.add_argument("--pen", action="store_true", help="draw a green pen stroke in the bottom margin")
    p.add_argument("--quality", type=int, default=90, help="JPEG quality of the tiles")
    a = p.parse_args()

    tissue = Image.open(a.image).convert("RGB")
    tw, th = tissue.size
    block = (a.block_x, a.block_y, a.block_x + a.cols * tw, a.block_y + a.rows * th)
    if block[2] > a.width or block[3] > a.height:
        sys.exit(f"{a.out}: the {a.cols}x{a.rows} block of {tw}x{th} images does not fit in {a.width}x{a.height}")

    slide = Image.new("RGB", (a.width, a.height), GLASS)
    for r in range(a.rows):
        for c in range(a.cols):
            slide.paste(tissue, (a.block_x + c * tw, a.block_y + r * th))

    layout = {"width": a.width, "height": a.height, "mpp": a.mpp, "tissue": list(block)}
    draw = ImageDraw.Draw(slide)
    if a.black_border > 0:
        draw.rectangle((0, 0, a.black_border - 1, a.height - 1), fill=(12, 12, 12))
        layout["blackBorder"] = [0, 0, a.black_border, a.height]
    if a.pen:
        y = (block[3] + a.height) // 2
        x0, x1 = a.width // 10, a.width * 9 // 10
        draw.line((x0, y, x1, y), fill=(40, 160, 70), width=max(8, a.height // 100))
        layout["pen"] = [x0, y - a.height // 100, x1, y + a.height // 100]

    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.png")
        slide.save(flat)
        px_per_mm = 1000.0 / a.mpp
        out_tmp = a.out + ".part"
        subprocess.run(["vips", "tiffsave", flat, out_tmp, "--tile", "--pyramid", "--compression", "jpeg",
                        "--Q", str(a.quality), "--tile-width", "256", "--tile-height", "256",
                        "--xres", repr(px_per_mm), "--yres", repr(px_per_mm)], check=True)
        os.replace(out_tmp, a.out)

    print(json.dumps(layout))


if __name__ == "__main__":
    main()
