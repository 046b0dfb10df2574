using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeRuntime.Engine.Tests.Cells;

/// <summary>
/// A cell head rides in the model's swap slot: its session is made with the inference options the model's sessions use
/// (providers, threads), and released when the head is swapped out and the last slide leasing it ends. Before, every
/// head was loaded with default options (all cores, CUDA first) and never disposed (kept in a weak table per model).
/// </summary>
public sealed class CellHeadLifetimeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_head_session_uses_the_configured_threads_and_providers()
    {
        // Three threads: neither the default (every core) of the build machines nor the usual 1.
        var log = new RecordingLogger();
        var head = SyntheticCellHeads.Write(temp.File("head"), FamilyTwins.Package("uni"), "nuclei", "1.0.0", ["cell"]);
        using var model = await LoadAsync(head, new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 3 }, log);
        Assert.Equal("CPU", model.CellHead!.ExecutionProvider);
        Assert.Contains(log.Entries, e => e.Message == "cell head runs on CPU with 3 intra-op threads.");
        Assert.DoesNotContain(log.Entries, e => e.Message.StartsWith("cell head runs on", StringComparison.Ordinal) && !e.Message.EndsWith(" 3 intra-op threads.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_swapped_out_head_is_released_when_the_last_slide_using_it_ends()
    {
        var a = SyntheticCellHeads.Write(temp.File("a"), FamilyTwins.Package("uni"), "nuclei", "1.0.0", ["a-cell"]);
        var b = SyntheticCellHeads.Write(temp.File("b"), FamilyTwins.Package("uni"), "nuclei", "1.1.0", ["b-cell"]);
        var first = await LoadAsync(a);
        var second = await LoadAsync(b);
        using var provider = new ModelProvider(first);

        var slide = provider.Acquire(); // a slide in flight with head 1.0.0
        provider.Swap(second);
        Assert.Same(first.CellHead, slide.Value.CellHead);
        Assert.False(first.CellHead!.IsDisposed); // its cells are still being found
        Assert.Equal("1.1.0", provider.Current.CellHead!.Identity.Version);

        slide.Dispose(); // the slide ends
        Assert.True(first.CellHead.IsDisposed);
        Assert.False(second.CellHead!.IsDisposed);
    }

    [Fact]
    public async Task A_model_without_a_head_runs_no_cell_task()
    {
        using var model = await LoadAsync(null);
        Assert.Null(model.CellHead);
        Assert.Null(model.CellHeadDirectory);
    }

    private Task<ModelRuntime> LoadAsync(string? head, InferenceOptions? options = null, ILogger? logger = null) => ModelRuntime.LoadAsync(
        FamilyTwins.Package("uni"),
        Path.Combine(TestData.RepoRoot, "plugins", "prompts", "crc100k", "1.0.0", "prompts.json"),
        new Dictionary<string, string>(),
        new Dictionary<string, string>(),
        head,
        options ?? new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 },
        4,
        temp.File("cache"),
        logger ?? new RecordingLogger(),
        CancellationToken.None);
}
