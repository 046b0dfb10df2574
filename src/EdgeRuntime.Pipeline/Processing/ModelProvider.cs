namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The model slides are processed with, swappable while the service runs. A slide takes a lease when it starts
/// and keeps that model until it ends, whatever is swapped meanwhile; a model that has been replaced is disposed
/// (its ONNX sessions released) when its last lease ends.
/// </summary>
public sealed class ModelProvider : IDisposable
{
    private readonly Lock gate = new();
    private Entry current;

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    public ModelProvider(ModelRuntime initial) => current = new Entry(initial);

    /// <summary>The active model now (for status; a slide uses <see cref="Acquire"/>).</summary>
    public ModelRuntime Current
    {
        get
        {
            lock (gate)
            {
                return current.Runtime;
            }
        }
    }

    /// <summary>Takes the active model for one slide; dispose the lease when the slide ends.</summary>
    public Lease Acquire()
    {
        lock (gate)
        {
            current.Leases++;
            return new Lease(this, current);
        }
    }

    /// <summary>Makes <paramref name="next"/> the active model; the previous one is disposed once no slide uses it.</summary>
    public void Swap(ModelRuntime next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Entry previous;
        lock (gate)
        {
            previous = current;
            current = new Entry(next);
            previous.Retired = true;
            if (previous.Leases > 0)
            {
                return;
            }
        }

        previous.Runtime.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            current.Retired = true;
            if (current.Leases > 0)
            {
                return;
            }
        }

        current.Runtime.Dispose();
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

        entry.Runtime.Dispose();
    }

    /// <summary>One slide's hold on a model.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly ModelProvider owner;
        private readonly Entry entry;
        private int released;

        internal Lease(ModelProvider owner, Entry entry)
        {
            this.owner = owner;
            this.entry = entry;
        }

        /// <summary>The model this slide uses.</summary>
        public ModelRuntime Runtime => entry.Runtime;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release(entry);
            }
        }
    }

    internal sealed class Entry(ModelRuntime runtime)
    {
        public ModelRuntime Runtime { get; } = runtime;

        public int Leases { get; set; }

        public bool Retired { get; set; }
    }
}
