#!/usr/bin/env bash
# Service load: N slides dropped at once into a running `edgert run` (embedded broker on a loopback port, tiny
# reference model, CPU): slides/hour from the first discovery to the last finish, per-slide latency percentiles
# (found complete -> done, read from the journal by `edgert status --json`), that nothing was lost (all done,
# none failed, outbox empty), the service's peak RSS, and what a subscriber saw on MQTT meanwhile: the metrics messages (count, highest
# tiles/s, most slides processing at once) and the progress messages. Prints one JSON document on stdout.
#   bench/service-load.sh [slides=50] [model-dir] [slides-in-flight=2]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
count=${1:-50}
model=${2:-$repo/artifacts/models/tiny-reference/1.0.0}
inflight=${3:-2}
edgert=$repo/artifacts/bin/edgert
[ -x "$edgert" ] || { echo "service-load: $edgert not found: run install/install.sh first" >&2; exit 1; }
work=$(mktemp -d)
service=
subscriber=
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; [ -n "$subscriber" ] && kill "$subscriber" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/inbox" "$work/staging"
cat > "$work/config.json" <<JSON
{ "EdgeRuntime": {
    "Inbox": { "Path": "$work/inbox", "QuietPeriodSeconds": 1, "RescanIntervalSeconds": 1, "AfterProcessing": "Leave" },
    "Journal": { "DatabasePath": "$work/state/journal.db" },
    "Processing": { "ModelPackage": "$model", "ResultsDirectory": "$work/results", "SlidesInFlight": $inflight },
    "Plugins": { "ActiveFile": "$work/state/active.json" },
    "Inference": { "ExecutionProviders": ["CPU"] },
    "Mqtt": { "Port": $port, "NodeId": "bench", "MetricsIntervalSeconds": 2 } } }
JSON
# Distinct slides (their ids are content hashes): the IHC field in blocks of 2..4 copies, on slides of varied size.
for i in $(seq "$count"); do
  cols=$(( 2 + i % 3 )); rows=$(( 2 + (i / 3) % 3 ))
  /usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$repo/artifacts/sample/ihc.png" --out "$work/staging/slide-$i.tiff" \
    --width $(( 2560 + 16 * i )) --height 2560 --block-x 256 --block-y 256 --cols "$cols" --rows "$rows" > /dev/null
done
"$edgert" run --config "$work/config.json" > "$work/service.log" 2>&1 &
service=$!
for _ in $(seq 120); do grep -q "Watching" "$work/service.log" 2>/dev/null && break; sleep 0.5; done
# A subscriber as an LIS would be (anonymous read-only: the embedded broker has no accounts here), writing each
# metrics and progress message as a JSON line.
/usr/bin/python3 - "$port" "$work/mqtt.jsonl" > "$work/subscriber.log" 2>&1 <<'PY' &
import json, sys, paho.mqtt.client as mqtt
out = open(sys.argv[2], 'a', buffering=1)
client = mqtt.Client(client_id='bench-subscriber', protocol=mqtt.MQTTv5)
client.on_connect = lambda c, u, f, rc, p=None: c.subscribe([('edgeruntime/bench/metrics', 0), ('edgeruntime/bench/slides/+/progress', 0)])
client.on_message = lambda c, u, m: out.write(json.dumps({'topic': m.topic, 'payload': json.loads(m.payload)}) + '\n')
client.connect('127.0.0.1', int(sys.argv[1]))
client.loop_forever()
PY
subscriber=$!
for _ in $(seq 40); do [ -s "$work/mqtt.jsonl" ] && break; sleep 0.5; done
start=$(date +%s.%N)
mv "$work/staging/"*.tiff "$work/inbox/" # at once, as a scanner's batch
while :; do
  "$edgert" status --json --config "$work/config.json" > "$work/status.json" 2>/dev/null || true
  done=$(/usr/bin/python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["counts"]; print(c.get("done", 0) + c.get("failed", 0))' "$work/status.json" 2>/dev/null || echo 0)
  [ "$done" -ge "$count" ] && break
  kill -0 "$service" 2>/dev/null || { echo "service-load: edgert run ended early:" >&2; tail -20 "$work/service.log" >&2; exit 1; }
  sleep 2
done
sleep 3 # the outbox drains after the last slide
peak_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$service/status")
"$edgert" status --json --config "$work/config.json" > "$work/status.json"
/usr/bin/python3 - "$work/status.json" "$count" "$start" "$work/mqtt.jsonl" "$inflight" "$peak_kib" <<'PY'
import json, sys, statistics
from datetime import datetime
status, count, start = json.load(open(sys.argv[1])), int(sys.argv[2]), float(sys.argv[3])
messages = [json.loads(line) for line in open(sys.argv[4]) if line.strip()]
metrics = [m['payload'] for m in messages if m['topic'].endswith('/metrics')]
progress = [m['payload'] for m in messages if m['topic'].endswith('/progress')]
t = lambda s: datetime.fromisoformat(s).timestamp()
slides = status['slides']
latency = sorted(t(s['finishedAt']) - t(s['discoveredAt']) for s in slides if s['finishedAt'])
span = max(t(s['finishedAt']) for s in slides) - min(t(s['discoveredAt']) for s in slides)
q = lambda p: latency[min(len(latency) - 1, int(round(p * (len(latency) - 1))))]
print(json.dumps({
    'slidesInFlight': int(sys.argv[5]),
    'slides': count, 'done': status['counts'].get('done', 0), 'failed': status['counts'].get('failed', 0), 'outbox': status['outbox'],
    'slidesPerHour': 3600 * len(latency) / span, 'spanSeconds': span, 'peakRssMiB': int(sys.argv[6]) / 1024,
    'latencySeconds': {'p50': q(0.5), 'p90': q(0.9), 'max': latency[-1]},
    'mqtt': {
        'metricsMessages': len(metrics),
        'maxTilesPerSecond': max((m['tilesPerSecond'] for m in metrics), default=None),
        'maxProcessing': max((m['processing'] for m in metrics), default=None),
        'lastSlidesDone': metrics[-1]['slidesDone'] if metrics else None,
        'progressMessages': len(progress),
        'slidesWithProgress': len({p['slideId'] for p in progress}),
    },
}, indent=2))
PY
