namespace EdgeRuntime.Pipeline.Processing;

/// <summary>Counters the service publishes on <c>metrics</c>: throughput, slides done and failed, encoder latency percentiles.</summary>
public sealed class ServiceMetrics
{
    private const int LatencyWindow = 512; // recent batches: percentiles describe now, not the day
    private readonly Lock gate = new();
    private readonly Queue<double> latencies = new();
    private long tiles;
    private long slidesDone;
    private long slidesFailed;

    /// <summary>Records one encoder batch.</summary>
    public void Batch(int tileCount, TimeSpan latency)
    {
        lock (gate)
        {
            tiles += tileCount;
            latencies.Enqueue(latency.TotalMilliseconds);
            if (latencies.Count > LatencyWindow)
            {
                latencies.Dequeue();
            }
        }
    }

    /// <summary>Records a finished slide.</summary>
    public void SlideFinished(bool succeeded)
    {
        lock (gate)
        {
            if (succeeded)
            {
                slidesDone++;
            }
            else
            {
                slidesFailed++;
            }
        }
    }

    /// <summary>A consistent copy of the counters.</summary>
    public (long Tiles, long SlidesDone, long SlidesFailed, double P50, double P95, double P99) Snapshot()
    {
        lock (gate)
        {
            var sorted = latencies.Order().ToArray();
            return (tiles, slidesDone, slidesFailed, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
