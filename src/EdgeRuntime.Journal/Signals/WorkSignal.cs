using System.Collections.Immutable;

namespace EdgeRuntime.Journal.Signals;

/// <summary>
/// A wake-up call between stages ("there is new work"): many signals before a wait count as one. Lets a
/// stage sleep until the previous one has something, instead of polling.
/// </summary>
public class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    /// <summary>Wakes the waiter, or the next one.</summary>
    public void Set()
    {
        OnSet();
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Called at every <see cref="Set"/>: a signal with followers wakes them too.</summary>
    protected virtual void OnSet()
    {
    }

    /// <summary>Waits for a signal or the timeout; returns whether a signal came.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the semaphore.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            semaphore.Dispose();
        }
    }
}

/// <summary>Wakes the processor: a slide became pending.</summary>
public sealed class PendingSlidesSignal : WorkSignal;

/// <summary>
/// Wakes the publisher: messages were queued in the outbox. A sink with a loop of its own (EdgeRuntime.Lis) follows
/// it: each follower is a signal of its own, so no waiter takes another's wake-up.
/// </summary>
public sealed class OutboxSignal : WorkSignal
{
    private WorkSignal[] followers = [];

    /// <summary>A new signal set whenever this one is.</summary>
    public WorkSignal Follow()
    {
        var follower = new WorkSignal();
        ImmutableInterlocked.Update(ref followers, f => [.. f, follower]);
        return follower;
    }

    /// <inheritdoc />
    protected override void OnSet()
    {
        foreach (var follower in Volatile.Read(ref followers))
        {
            follower.Set();
        }
    }
}
