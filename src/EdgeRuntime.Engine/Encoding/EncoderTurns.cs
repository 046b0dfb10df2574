namespace EdgeRuntime.Engine.Encoding;

/// <summary>
/// Turns at the image encoder for the slides in flight (<c>Processing:SlidesInFlight</c>). A turn covers one batch
/// from encoding until its embeddings have been consumed, because an encoder's output is valid only until its next
/// call (<see cref="Abstractions.Models.IImageEncoder.EncodeAsync"/>): without turns a second slide's batch would
/// overwrite the first slide's embeddings while its tasks read them. Waiting slides are served oldest first, so a
/// slide that joined later only fills the moments the older one leaves the encoder idle (its reading, task
/// completion and result writing) and never slows it down: overlap, not sharing.
/// </summary>
internal sealed class EncoderTurns
{
    private readonly Lock gate = new();
    private readonly PriorityQueue<TaskCompletionSource, long> waiting = new();
    private long joined;
    private bool taken;

    /// <summary>A slide's place in line: slides that joined earlier are served first.</summary>
    public long Join() => Interlocked.Increment(ref joined);

    /// <summary>
    /// Waits for the encoder; the returned turn gives it back when disposed. Among waiting slides, the one with the
    /// lowest <paramref name="place"/> (from <see cref="Join"/>) goes next.
    /// </summary>
    public async ValueTask<IDisposable> TakeAsync(long place, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (gate)
        {
            if (!taken)
            {
                taken = true;
                return new Turn(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.Enqueue(waiter, place);
        }

        // A cancelled waiter stays in the queue, completed; Release passes over it.
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Turn(this);
    }

    private void Release()
    {
        lock (gate)
        {
            while (waiting.TryDequeue(out var next, out _))
            {
                if (next.TrySetResult())
                {
                    return; // handed over: the encoder stays taken
                }
            }

            taken = false;
        }
    }

    private sealed class Turn(EncoderTurns owner) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
