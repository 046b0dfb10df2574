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
    'service': {},
    'python': {},
    'speedups': load(f'{work}/speedups.json'),
}
# Service load at 1 and 2 slides in flight: the median run of each by slides/hour, with its own latencies.
for inflight in (1, 2):
    runs = sorted((load(p) for p in glob.glob(f'{work}/service-{inflight}-*.json')), key=lambda d: d['slidesPerHour'])
    doc['service'][f'inFlight{inflight}'] = dict(runs[len(runs) // 2], runs=[d['slidesPerHour'] for d in runs])
doc['service']['ratio2Over1'] = doc['service']['inFlight2']['slidesPerHour'] / doc['service']['inFlight1']['slidesPerHour']
for model in ('tiny-reference', 'clip-vit-b32-reference'):
    rate = {}
    for who in ('edgert', 'python'):
        rows = [line.split() for line in open(f'{work}/py-{who}-{model}.txt')]
        rate[who] = statistics.median(int(r[1]) / float(r[0]) for r in rows)
        rate[who + 'Tiles'] = int(rows[0][1])
        # CPU s per tile (user + system, every thread): what each command costs the box, steady under other load.
        rate[who + 'CpuPerTile'] = statistics.median(float(r[2]) / int(r[1]) for r in rows)
    rate['ratio'] = rate['edgert'] / rate['python']
    rate['cpuRatio'] = rate['pythonCpuPerTile'] / rate['edgertCpuPerTile']
    # The precision each measured edgert run's result names (int8 where the copy's gate passed, else float32).
    rate['edgertPrecision'] = '/'.join(sorted({line.split()[3] for line in open(f'{work}/py-edgert-{model}.txt')}))
    blas = load(f'{work}/py-python-{model}.json').get('blas', [])
    rate['pythonBlas'] = 'OpenBLAS' if any('openblas' in b for b in blas) else 'reference BLAS'
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
] + [
    f"| Service: 50 slides dropped at once, {k[-1]} in flight (tiny reference; done / failed / outbox; MQTT metrics messages, most processing) | **{v['slidesPerHour']:.0f} slides/h**, latency p50 {v['latencySeconds']['p50']:.1f} s, p90 {v['latencySeconds']['p90']:.1f} s; {v['done']} / {v['failed']} / {v['outbox']}; {v['mqtt']['metricsMessages']} metrics, {v['mqtt']['maxProcessing']} at once; peak RSS {v['peakRssMiB']:.0f} MiB | nothing lost |"
    for k, v in doc['service'].items() if k.startswith('inFlight')
] + [
    f"| Service: slides/h with 2 in flight ÷ 1 | **{doc['service']['ratio2Over1']:.2f}** | more on a GPU box |",
] + [
    f"| Against the Python way: edgert process ÷ openslide-python + Pillow + PyTorch ({r['pythonBlas']}), {m}, edgert in {r['edgertPrecision']} (whole commands, {r['edgertTiles']} / {r['pythonTiles']} tiles) | {r['edgert']:.1f} ÷ {r['python']:.1f} tiles/s = **{r['ratio']:.2f}×**; CPU s per tile {r['pythonCpuPerTile']:.3f} ÷ {r['edgertCpuPerTile']:.3f} = {r['cpuRatio']:.2f}× | ≥ {5 if m.startswith('tiny') else 3}× |"
    for m, r in doc['python'].items()
] + [
    '',
    '| Model | Intra-op threads | Batch | Tiles/s (bare encoder) | Batch latency (ms) |',
    '|---|---|---|---|---|',
] + [f"| {r['model']} | {r['threads']} | {r['batch']} | {r['tilesPerSecond']:.1f} | {r['batchLatencyMs']:.1f} |" for r in sweep] + [
    '',
    '| Slide | Tiles | Peak RSS (MiB) | Wall (s) |',
    '|---|---|---|---|',
] + [f"| {k[1:]}× | {v['tiles']} | {v['peakRssMiB']:.0f} | {v['wallSeconds']:.1f} |" for k, v in memory.items() if k.startswith('m')] + [
    '',
    f"Speed-ups, ViT-B/32 reference image encoder on {doc['speedups']['tiles']} tiles of the bench slide (batch {doc['speedups']['batch']}, {doc['speedups']['intraOpThreads']} threads); saving the optimised graph took {doc['speedups']['saveOptimisedSeconds']:.1f} s:",
    '',
    '| Variant | MB | Start-up (s) | Tiles/s | × float | Cosine to float, min (mean) |',
    '|---|---|---|---|---|---|',
] + [f"| {v['variant']} | {v['megabytes']:.0f} | {v['startSeconds']:.2f} | {v['tilesPerSecond']:.1f} | **{v['speedOverFloat']:.2f}** | {v['cosineMin']:.4f} ({v['cosineMean']:.4f}) |" for v in doc['speedups']['variants']]
open(out + '.md', 'w').write('\n'.join(lines) + '\n')
