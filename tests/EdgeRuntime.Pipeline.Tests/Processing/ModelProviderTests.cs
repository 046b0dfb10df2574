using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Pipeline.Tests.Processing;

public sealed class ModelProviderTests : IDisposable
{
    private readonly TempDirectory cache = new();

    public void Dispose() => cache.Dispose();

    private Task<ModelRuntime> LoadAsync() => ModelRuntime.LoadAsync(
        ReferenceModels.Package(ReferenceModels.Tiny),
        Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json"),
        new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 },
        4,
        cache.Path,
        NullLogger.Instance,
        CancellationToken.None);

    [Fact]
    public async Task A_slide_keeps_its_model_through_a_swap_and_the_old_model_is_released_when_it_ends()
    {
        var first = await LoadAsync();
        var second = await LoadAsync();
        using var provider = new ModelProvider(first);

        var lease = provider.Acquire(); // a slide in flight
        provider.Swap(second);
        Assert.Same(first, lease.Runtime);
        Assert.False(first.IsDisposed); // still in use
        Assert.Same(second, provider.Acquire().Runtime);

        lease.Dispose(); // the slide ends
        Assert.True(first.IsDisposed);
        Assert.False(second.IsDisposed);
    }

    [Fact]
    public async Task A_model_nobody_uses_is_released_at_the_swap()
    {
        var first = await LoadAsync();
        using var provider = new ModelProvider(first);
        using (provider.Acquire())
        {
        }

        provider.Swap(await LoadAsync());
        Assert.True(first.IsDisposed);
    }
}
