#!/usr/bin/python3
"""openslide-python reading the same tiles the bench read: read_region, RGBA -> RGB over white, and Pillow's
bicubic where the level needs a resize, as bench/python_reference.py (and pathology users) do. One thread.
    read_tiles.py <slide> <tiles.json from EDGERT_BENCH_TILES_OUT> <repeats>
Prints JSON: tiles, tiles/s of each repeat and their median, and CPU seconds per tile of each repeat: the reading
thread's (time.thread_time) and the whole process's (time.process_time), with their medians. On a shared box the
tiles/s swing with the share of the cores this process gets; the CPU a tile costs is what a per-core comparison
(bench/reading.sh) divides."""
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
    rates, thread_cpu, process_cpu = [], [], []
    for _ in range(repeats + 1):  # the first pass warms the OS page cache
        # Opened afresh each pass, as the bench's cold raw passes are: OpenSlide's tile cache starts empty.
        slide = openslide.OpenSlide(slide_path)
        start, thread0, process0 = time.perf_counter(), time.thread_time(), time.process_time()
        for x, y in tiles:
            region = slide.read_region((x, y), level, (size, size))
            white = Image.new("RGB", region.size, (255, 255, 255))
            white.paste(region, mask=region.split()[3])
            if size != tile_size:
                white = white.resize((tile_size, tile_size), Image.BICUBIC)
        wall = time.perf_counter() - start
        thread_cpu.append((time.thread_time() - thread0) / len(tiles))
        process_cpu.append((time.process_time() - process0) / len(tiles))
        rates.append(len(tiles) / wall)
        slide.close()
    rates, thread_cpu, process_cpu = rates[1:], thread_cpu[1:], process_cpu[1:]
    print(json.dumps({"tiles": len(tiles), "runs": rates, "median": statistics.median(rates),
                      "cpuSecondsPerTile": {"thread": statistics.median(thread_cpu), "process": statistics.median(process_cpu),
                                            "threadRuns": thread_cpu, "processRuns": process_cpu}}))


if __name__ == "__main__":
    main()
