using EdgeRuntime.Runtime.Swapping;
using Xunit;

namespace EdgeRuntime.Engine.Tests.Processing;

// A change of the model and the tasks together is seen whole or not at all: slides that start while an admin swaps
// both, again and again, each lease a model and tasks of the same generation. With one lease after the other (and
// one swap after the other), slides starting between the two got the new model with the old tasks.
public sealed class SwapTogetherTests
{
    [Fact]
    public async Task Slides_starting_during_swaps_of_both_parts_never_lease_one_part_old_and_the_other_new()
    {
        using var models = new Swappable<Part>(new Part(0));
        using var tasks = new Swappable<Part>(new Part(0));
        const int Swaps = 20_000;
        var mixed = 0;
        var leased = 0;
        using var done = new CancellationTokenSource();
        var slides = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var (model, taskSet) = SwapTogether.Acquire(models, tasks);
                using (model)
                using (taskSet)
                {
                    Assert.False(model.Value.IsDisposed || taskSet.Value.IsDisposed); // a leased value is never released under a slide
                    if (model.Value.Generation != taskSet.Value.Generation)
                    {
                        Interlocked.Increment(ref mixed);
                    }

                    Interlocked.Increment(ref leased);
                }
            }
        })).ToList();

        // Swaps start once slides are starting, and go on until many slides started during them.
        SpinWait.SpinUntil(() => Volatile.Read(ref leased) > 0);
        var atStart = Volatile.Read(ref leased);
        var generations = new List<Part>();
        for (var g = 1; g <= Swaps || Volatile.Read(ref leased) < atStart + Swaps; g++)
        {
            var (model, taskSet) = (new Part(g), new Part(g));
            generations.Add(model);
            SwapTogether.Swap(models, model, tasks, taskSet);
        }

        done.Cancel();
        await Task.WhenAll(slides);
        Assert.Equal(0, mixed);
        Assert.All(generations[..^1], p => Assert.True(p.IsDisposed)); // every replaced value released once unused
        Assert.False(generations[^1].IsDisposed);
    }

    [Fact]
    public void A_swap_of_one_part_leaves_the_other_and_a_slide_in_flight_keeps_both()
    {
        using var models = new Swappable<Part>(new Part(0));
        using var tasks = new Swappable<Part>(new Part(0));
        var (model, taskSet) = SwapTogether.Acquire(models, tasks);
        var next = new Part(1);
        SwapTogether.Swap<Part, Part>(models, next, tasks, null);

        Assert.Equal((0, 0), (model.Value.Generation, taskSet.Value.Generation));
        Assert.False(model.Value.IsDisposed);
        Assert.Same(next, models.Current);
        Assert.Equal(0, tasks.Current.Generation);
        var old = model.Value;
        model.Dispose();
        taskSet.Dispose();
        Assert.True(old.IsDisposed);
        Assert.False(tasks.Current.IsDisposed);
    }

    private sealed class Part(int generation) : IDisposable
    {
        public int Generation { get; } = generation;

        public bool IsDisposed { get; private set; }

        public void Dispose() => IsDisposed = true;
    }
}
