#!/usr/bin/python3
"""Builds a pyramidal JPEG TIFF whose regions are known: rectangles filled with the texture test model's source
images (tools/train-test-model.py), painted in order (a later rectangle covers an earlier one, which is how a hole is
made). The layout is known before any of our code runs, so segmentation and retrieval can be checked against it.

  make-texture-slide.py --images DIR --out slide.tiff --width 4480 --height 3360 \
      --region brick:0,0,1792,3360 --region gravel:1792,0,4480,1792 --region grass:2464,448,3584,1344 ...

Each region is class:x0,y0,x1,y1 in level-0 pixels (x1, y1 exclusive); the class names an image <class>.png in
--images, repeated (mirrored every other copy, so that copies meet without a seam) to fill it. Prints the layout as
JSON. Needs Debian's python3-pil and libvips-tools.
"""
import argparse
import json
import os
import subprocess
import tempfile

from PIL import Image

GLASS = (243, 243, 241)


def fill(texture, width, height):
    w, h = texture.size
    mirrored_x = texture.transpose(Image.FLIP_LEFT_RIGHT)
    out = Image.new("RGB", (width, height))
    for j, y in enumerate(range(0, height, h)):
        for i, x in enumerate(range(0, width, w)):
            t = mirrored_x if i % 2 else texture
            out.paste(t.transpose(Image.FLIP_TOP_BOTTOM) if j % 2 else t, (x, y))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--mpp", type=float, default=0.5)
    p.add_argument("--texture-scale", type=float, default=1.0,
                   help="resize the textures by this factor first (0.5 / mpp keeps their physical size at another mpp)")
    p.add_argument("--region", action="append", default=[], help="class:x0,y0,x1,y1 (repeatable, painted in order)")
    a = p.parse_args()

    slide = Image.new("RGB", (a.width, a.height), GLASS)
    regions = []
    for spec in a.region:
        name, box = spec.split(":")
        x0, y0, x1, y1 = (int(v) for v in box.split(","))
        texture = Image.open(os.path.join(a.images, name + ".png")).convert("RGB")
        if a.texture_scale != 1.0:
            tw, th = texture.size
            texture = texture.resize((round(tw * a.texture_scale), round(th * a.texture_scale)), Image.BICUBIC)
        slide.paste(fill(texture, x1 - x0, y1 - y0), (x0, y0))
        regions.append({"class": name, "box": [x0, y0, x1, y1]})

    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.png")
        slide.save(flat)
        px_per_mm = 1000.0 / a.mpp
        out_tmp = a.out + ".part"
        subprocess.run(["vips", "tiffsave", flat, out_tmp, "--tile", "--pyramid", "--compression", "jpeg", "--Q", "90",
                        "--tile-width", "256", "--tile-height", "256", "--xres", repr(px_per_mm), "--yres", repr(px_per_mm)],
                       check=True)
        os.replace(out_tmp, a.out)
    print(json.dumps({"width": a.width, "height": a.height, "mpp": a.mpp, "regions": regions}))


if __name__ == "__main__":
    main()
