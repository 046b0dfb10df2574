using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Engine.Running;

/// <summary>
/// The task plugins' runs on one slide. Every call into a task runs on the thread pool under a timeout, so a
/// task that throws or hangs fails only itself, for this slide: its failure is recorded in the result and the
/// other tasks and the service go on. A hung call cannot be aborted in .NET; it is abandoned, and its task is
/// not called again for this slide.
/// </summary>
internal sealed class TaskRuns : IAsyncDisposable
{
    private readonly List<Entry> entries;
    private readonly TimeSpan timeout;

    private TaskRuns(List<Entry> entries, TimeSpan timeout)
    {
        this.entries = entries;
        this.timeout = timeout;
    }

    /// <summary>Starts every task on the slide, each with the context <paramref name="contextFor"/> makes for its name.</summary>
    public static async Task<TaskRuns> StartAsync(IReadOnlyList<ISlideTask> tasks, SlideInfo slide, Func<string, SlideTaskContext> contextFor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(contextFor);
        var entries = new List<Entry>();
        var runs = new TaskRuns(entries, timeout);
        foreach (var task in tasks)
        {
            var entry = new Entry(task.Name);
            entries.Add(entry);
            var context = contextFor(task.Name);
            entry.Run = await runs.CallAsync(entry, () => task.StartAsync(slide, context, cancellationToken).AsTask(), "start", cancellationToken).ConfigureAwait(false);
        }

        return runs;
    }

    /// <summary>
    /// The map to draw: the first task, in order, that completed with a cell map (finer than the tiles), else the
    /// first that gives every tile a class; null if none did.
    /// </summary>
    public (string Task, ITileClassMap Map)? FirstClassMap()
    {
        var completed = entries.Where(e => e.Error is null && e.Run is ITileClassMap).ToList();
        var chosen = completed.FirstOrDefault(e => e.Run is ICellClassMap) ?? completed.FirstOrDefault();
        return chosen is null ? null : (chosen.Name, (ITileClassMap)chosen.Run!);
    }

    /// <summary>Gives a batch of embeddings to every task still running.</summary>
    public async Task OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
    {
        foreach (var entry in entries.Where(e => e.Error is null && e.Run is not null))
        {
            await CallAsync(entry, async () =>
            {
                await entry.Run!.OnBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                return true;
            }, "a batch", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes every task; returns each one's output, or its failure, in order.</summary>
    public async Task<IReadOnlyList<TaskOutcome>> CompleteAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<TaskOutcome>();
        foreach (var entry in entries)
        {
            JsonObject? output = null;
            if (entry.Error is null && entry.Run is not null)
            {
                output = await CallAsync(entry, () => entry.Run.CompleteAsync(cancellationToken).AsTask(), "completion", cancellationToken).ConfigureAwait(false);
            }

            outcomes.Add(entry.Error is null ? new TaskOutcome(entry.Name, output ?? [], null) : new TaskOutcome(entry.Name, null, entry.Error));
        }

        return outcomes;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var entry in entries.Where(e => e.Run is not null && !e.Abandoned))
        {
            try
            {
                await entry.Run!.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A task's clean-up failing is its own problem; the slide's result is already decided.
            }
        }
    }

    private async Task<T?> CallAsync<T>(Entry entry, Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        // On the pool, so that even a task that blocks synchronously cannot block the slide. WaitAsync's timer
        // is released as soon as the call returns: thousands of batches leave no pending timers behind.
        var work = Task.Run(call, CancellationToken.None);
        try
        {
            return await work.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!work.IsCompleted)
        {
            entry.Error = string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalSeconds:0.#} s in {what}");
            entry.Abandoned = true;
            return default;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (IOException e) when (NoSpace.Is(e))
        {
            // A full disk is not the task's fault: the slide waits for space instead of being done
            // with an output missing.
            throw;
        }
        catch (Exception e)
        {
            entry.Error = $"threw {e.GetType().Name} in {what}: {e.Message}";
            return default;
        }
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public ISlideTaskRun? Run { get; set; }

        public string? Error { get; set; }

        public bool Abandoned { get; set; }
    }
}
