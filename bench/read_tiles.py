#!/usr/bin/python3
"""openslide-python reading the same tiles the bench read: read_region, RGBA -> RGB over white, and Pillow's
bicubic where the level needs a resize, as bench/python_reference.py (and pathology users) do. One thread.
    read_tiles.py <slide> <tiles.json from EDGERT_BENCH_TILES_OUT> <repeats>
Prints JSON: tiles, tiles/s of each repeat, and the median."""
import json
import statistics
import sys
import time

import openslide
from PIL import Image


def main():
    slide_path, tiles_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spec = json.load(open(tiles_path))
    level, size, tile_size, tiles = spec["level"], spec["size"], spec["tileSize"], spec["tiles"]
    rates = []
    for _ in range(repeats + 1):  # the first pass warms the OS page cache
        # Opened afresh each pass, as the bench's cold raw passes are: OpenSlide's tile cache starts empty.
        slide = openslide.OpenSlide(slide_path)
        start = time.perf_counter()
        for x, y in tiles:
            region = slide.read_region((x, y), level, (size, size))
            white = Image.new("RGB", region.size, (255, 255, 255))
            white.paste(region, mask=region.split()[3])
            if size != tile_size:
                white = white.resize((tile_size, tile_size), Image.BICUBIC)
        rates.append(len(tiles) / (time.perf_counter() - start))
    rates = rates[1:]
    print(json.dumps({"tiles": len(tiles), "runs": rates, "median": statistics.median(rates)}))


if __name__ == "__main__":
    main()
