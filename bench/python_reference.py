#!/usr/bin/python3
"""The Python way, as pathology users run a CLIP model over a slide today, done fairly: openslide-python reads
tiles in reader threads that overlap inference, Pillow resizes (bicubic) where the level needs it, CLIP
normalisation in torch, a tissue mask as CLAM makes it (HSV saturation, median blur, Otsu on a thumbnail), and the
same seeded weights as the reference package in PyTorch (tools/make-reference-models.py's own modules), batched.
Prints one JSON line: tiles, seconds (the whole run after interpreter start: model, mask, tiles, embeddings), and
the BLAS library PyTorch's matrix products ran on (Debian's PyTorch links the generic libblas.so.3, which is the
unoptimised reference BLAS unless an optimised one is installed or put on LD_LIBRARY_PATH, as bench/run does with
Debian's OpenBLAS: a lab's pip-installed PyTorch brings MKL, so the reference BLAS would not be a fair opponent).

    bench/python_reference.py <slide> <model-package-dir> [batch=32] [threads=cores] [readers=2]

Needs Debian's python3-openslide, python3-pil, python3-numpy, python3-torch.
"""
import importlib.util, json, os, queue, sys, threading, time

import numpy as np
import openslide
import torch
from PIL import Image, ImageFilter

start = time.perf_counter()
slide_path, package = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(package, "model.json")))
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
threads = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
readers = int(sys.argv[5]) if len(sys.argv) > 5 else 2
torch.set_num_threads(threads)

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("refmodels", os.path.join(here, "..", "tools", "make-reference-models.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
config = ref.MODELS[manifest["id"]]
vision, _, _ = ref.build(config)
size = manifest["preprocessing"]["inputSize"]
mean = torch.tensor(ref.CLIP_MEAN)[:, None, None]
std = torch.tensor(ref.CLIP_STD)[:, None, None]

slide = openslide.OpenSlide(slide_path)
mpp = float(slide.properties.get(openslide.PROPERTY_NAME_MPP_X, 0.5))
tiling = manifest["tiling"]
read = int(round(tiling["tileSize"] * tiling["targetMicronsPerPixel"] / mpp))  # level-0 pixels of one tile

# CLAM's mask: saturation of a thumbnail, median blur, Otsu.
level = slide.get_best_level_for_downsample(32)
down = slide.level_downsamples[level]
thumb = slide.read_region((0, 0), level, slide.level_dimensions[level]).convert("RGB")
sat = np.asarray(thumb.convert("HSV").filter(ImageFilter.MedianFilter(7)))[:, :, 1].astype(np.float64)
hist = np.bincount(sat.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
omega, mu = np.cumsum(hist) / hist.sum(), np.cumsum(hist * np.arange(256)) / hist.sum()
between = (mu[-1] * omega - mu) ** 2 / np.maximum(omega * (1 - omega), 1e-12)
mask = sat > int(np.argmax(between))
w0, h0 = slide.dimensions
tiles = []
for y in range(0, h0 - read + 1, read):
    for x in range(0, w0 - read + 1, read):
        cell = mask[int(y / down):int((y + read) / down) + 1, int(x / down):int((x + read) / down) + 1]
        if cell.size and cell.mean() >= 0.25:
            tiles.append((x, y))

# Reader threads (one OpenSlide handle each) feed a bounded queue; the main thread batches and runs the model.
work = queue.Queue()
for t in tiles:
    work.put(t)
done = queue.Queue(maxsize=4 * batch)


def reader():
    own = openslide.OpenSlide(slide_path)
    while True:
        try:
            x, y = work.get_nowait()
        except queue.Empty:
            done.put(None)
            return
        image = own.read_region((x, y), 0, (read, read)).convert("RGB")
        if read != size:
            image = image.resize((size, size), Image.BICUBIC)
        pixels = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
        done.put((pixels - mean) / std)


for _ in range(readers):
    threading.Thread(target=reader, daemon=True).start()
finished, pending, embedded = 0, [], 0
with torch.no_grad():
    while finished < readers:
        item = done.get()
        if item is None:
            finished += 1
        else:
            pending.append(item)
        if len(pending) == batch or (finished == readers and pending):
            out = vision(torch.stack(pending))
            embedded += out.shape[0]
            pending = []
seconds = time.perf_counter() - start
blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
print(json.dumps({"tiles": embedded, "seconds": seconds, "batch": batch, "threads": threads, "readers": readers, "blas": blas}))
