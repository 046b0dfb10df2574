#!/usr/bin/python3
"""Collects what bench/run measured into one JSON document and a Markdown table (bench/results/)."""
import glob, json, os, platform, statistics, subprocess, sys
from datetime import datetime, timezone

work, out, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
load = lambda p: json.load(open(p))


def cpu_model():
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            return line.split(':', 1)[1].strip()
    return platform.processor()


compute, io = load(f'{work}/compute.json'), load(f'{work}/io.json')
pkg = {flavour: [load(p) for p in sorted(glob.glob(f'{work}/pkg-{flavour}-*.json'))] for flavour in ('gpu', 'cpu')}
pkg_rate = {f: {m: statistics.median(d['tilesPerSecond'][m] for d in runs) for m in ('bare', 'pipeline')} for f, runs in pkg.items()}
sweep = []
for path in sorted(glob.glob(f'{work}/sweep-*.json')):
    d = load(path)
    rate = d['tilesPerSecond']['bare']
    sweep.append({'model': d['model'], 'threads': d['intraOpThreads'], 'batch': d['batch'], 'tilesPerSecond': rate, 'batchLatencyMs': 1000 * d['batch'] / rate})
sweep.sort(key=lambda r: (r['model'], r['threads'], r['batch']))
memory = {}
for size in ('m1', 'm4', 'm16'):
    rows = [line.split() for line in open(f'{work}/mem-{size}.txt')]
    memory[size] = {'peakRssMiB': statistics.median(int(r[0]) for r in rows) / 1024, 'wallSeconds': statistics.median(float(r[1]) for r in rows), 'tiles': int(rows[0][2]) if len(rows[0]) > 2 else None}
git = subprocess.run(['git', '-C', os.path.dirname(os.path.abspath(__file__)), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
doc = {
    'at': datetime.now(timezone.utc).isoformat(timespec='seconds'),
    'commit': git,
    'machine': {'host': platform.node(), 'cpu': cpu_model(), 'cores': os.cpu_count(), 'memoryGiB': round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30, 1)},
    'repeats': repeats,
    'computeBound': compute,
    'ioBound': io,
    'package': {'gpuBuild': pkg_rate['gpu'], 'cpuBuild': pkg_rate['cpu'], 'bareRatioGpuOverCpu': pkg_rate['gpu']['bare'] / pkg_rate['cpu']['bare'], 'pipelineRatioGpuOverCpu': pkg_rate['gpu']['pipeline'] / pkg_rate['cpu']['pipeline']},
    'sweep': sweep,
    'memory': memory,
    'service': load(f'{work}/service.json'),
    'python': {},
}
for model in ('tiny-reference', 'clip-vit-b32-reference'):
    rate = {}
    for who in ('edgert', 'python'):
        rows = [line.split() for line in open(f'{work}/py-{who}-{model}.txt')]
        rate[who] = statistics.median(int(r[1]) / float(r[0]) for r in rows)
        rate[who + 'Tiles'] = int(rows[0][1])
    rate['ratio'] = rate['edgert'] / rate['python']
    doc['python'][model] = rate
doc['memory']['ratio16xOver1x'] = memory['m16']['peakRssMiB'] / memory['m1']['peakRssMiB']
json.dump(doc, open(out + '.json', 'w'), indent=2)

t = compute['tilesPerSecond'], io['tilesPerSecond']
lines = [
    f"# Benchmarks {doc['at']} on {doc['machine']['cpu']}, {doc['machine']['cores']} cores, {doc['machine']['memoryGiB']} GiB (commit {git}, {repeats} repeats, medians)",
    '',
    '| Figure | Measured | Goal |',
    '|---|---|---|',
    f"| Compute-bound: pipeline ÷ bare ONNX Runtime, ViT-B/32 reference ({compute['tiles']} tiles, batch {compute['batch']}, {compute['intraOpThreads']} threads) | {t[0]['pipeline']:.1f} ÷ {t[0]['bare']:.1f} tiles/s = **{compute['ratios']['pipelineOverBare']:.2f}** | ≥ 0.90 |",
    f"| I/O-bound: pipeline ÷ raw read_region + decode, tiny reference ({io['readers']} readers) | {t[1]['pipeline']:.1f} ÷ {t[1]['raw']:.1f} tiles/s = **{io['ratios']['pipelineOverRaw']:.2f}** | ≥ 0.80 |",
    f"| Package: CPU throughput of the GPU build ÷ CPU-only build, ViT-B/32 bare (pipeline) | {pkg_rate['gpu']['bare']:.1f} ÷ {pkg_rate['cpu']['bare']:.1f} = **{doc['package']['bareRatioGpuOverCpu']:.3f}** ({doc['package']['pipelineRatioGpuOverCpu']:.3f}) | ≈ 1 |",
    f"| Memory: peak RSS at 16× ÷ 1× the tissue area ({memory['m1']['tiles']} → {memory['m16']['tiles']} tiles) | {memory['m16']['peakRssMiB']:.0f} ÷ {memory['m1']['peakRssMiB']:.0f} MiB = **{doc['memory']['ratio16xOver1x']:.2f}** | ≤ 1.2 |",
    f"| Service: 50 slides dropped at once (tiny reference; done / failed / outbox) | **{doc['service']['slidesPerHour']:.0f} slides/h**, latency p50 {doc['service']['latencySeconds']['p50']:.1f} s, p90 {doc['service']['latencySeconds']['p90']:.1f} s; {doc['service']['done']} / {doc['service']['failed']} / {doc['service']['outbox']} | nothing lost |",
] + [
    f"| Against the Python way: edgert process ÷ openslide-python + Pillow + PyTorch, {m} (whole commands, {r['edgertTiles']} / {r['pythonTiles']} tiles) | {r['edgert']:.1f} ÷ {r['python']:.1f} tiles/s = **{r['ratio']:.2f}×** | ≥ {5 if m.startswith('tiny') else 3}× |"
    for m, r in doc['python'].items()
] + [
    '',
    '| Model | Intra-op threads | Batch | Tiles/s (bare encoder) | Batch latency (ms) |',
    '|---|---|---|---|---|',
] + [f"| {r['model']} | {r['threads']} | {r['batch']} | {r['tilesPerSecond']:.1f} | {r['batchLatencyMs']:.1f} |" for r in sweep] + [
    '',
    '| Slide | Tiles | Peak RSS (MiB) | Wall (s) |',
    '|---|---|---|---|',
] + [f"| {k[1:]}× | {v['tiles']} | {v['peakRssMiB']:.0f} | {v['wallSeconds']:.1f} |" for k, v in memory.items() if k.startswith('m')]
open(out + '.md', 'w').write('\n'.join(lines) + '\n')
