namespace EdgeRuntime.Runtime.Swapping;

/// <summary>
/// Something slides are processed with that an admin may replace while the service runs (the model, the task
/// plugins). A slide takes a lease when it starts and keeps that value until it ends, whatever is swapped
/// meanwhile; a replaced value is disposed (its sessions or load contexts released) when its last lease ends.
/// </summary>
/// <typeparam name="T">What is swapped.</typeparam>
public class Swappable<T> : IDisposable
    where T : class, IDisposable
{
    private readonly Lock gate = new();
    private Entry current;

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    public Swappable(T initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        current = new Entry(initial);
    }

    /// <summary>The active value now (for status; a slide uses <see cref="Acquire"/>).</summary>
    public T Current
    {
        get
        {
            lock (gate)
            {
                return current.Value;
            }
        }
    }

    /// <summary>The lock that <see cref="Acquire"/> and <see cref="Swap"/> hold; <see cref="SwapTogether"/> holds two.</summary>
    internal Lock Gate => gate;

    /// <summary>Takes the active value for one slide; dispose the lease when the slide ends.</summary>
    public Lease Acquire()
    {
        lock (gate)
        {
            return AcquireHeld();
        }
    }

    /// <summary>Makes <paramref name="next"/> active; the previous value is disposed once no slide uses it.</summary>
    public void Swap(T next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Entry? unused;
        lock (gate)
        {
            unused = ReplaceHeld(next);
        }

        Completed(next, unused);
    }

    /// <summary><see cref="Acquire"/> with <see cref="Gate"/> held.</summary>
    internal Lease AcquireHeld()
    {
        current.Leases++;
        return new Lease(this, current);
    }

    /// <summary>The swap itself, with <see cref="Gate"/> held; returns the previous entry if no slide uses it.</summary>
    internal Entry? ReplaceHeld(T next)
    {
        var previous = current;
        current = new Entry(next);
        previous.Retired = true;
        return previous.Leases == 0 ? previous : null; // decided under the lock: a lease ending later disposes it itself
    }

    /// <summary>What follows a swap, outside the lock: the activation hook, and the unused previous value disposed.</summary>
    internal void Completed(T next, Entry? unused)
    {
        Activated(next);
        unused?.Value.Dispose();
    }

    /// <summary>Called after <paramref name="value"/> became the active value by <see cref="Swap"/>.</summary>
    protected virtual void Activated(T value)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Retires the active value; it is disposed now, or when its last lease ends.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (gate)
        {
            current.Retired = true;
            if (current.Leases > 0)
            {
                return;
            }
        }

        current.Value.Dispose();
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Leases--;
            if (!entry.Retired || entry.Leases > 0)
            {
                return;
            }
        }

        entry.Value.Dispose();
    }

    /// <summary>One slide's hold on a value.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly Swappable<T> owner;
        private readonly Entry entry;
        private int released;

        internal Lease(Swappable<T> owner, Entry entry)
        {
            this.owner = owner;
            this.entry = entry;
        }

        /// <summary>The value this slide uses.</summary>
        public T Value => entry.Value;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release(entry);
            }
        }
    }

    internal sealed class Entry(T value)
    {
        public T Value { get; } = value;

        public int Leases { get; set; }

        public bool Retired { get; set; }
    }
}
