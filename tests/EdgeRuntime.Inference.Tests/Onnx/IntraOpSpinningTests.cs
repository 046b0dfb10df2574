using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Onnx;

// Inference:IntraOpSpinning: off by default, because the encoder's threads share the cores with the slide readers
// and tasks (docs/performance.md has the CPU per tile both ways). The key is ONNX Runtime's documented
// session.intra_op.allow_spinning; ONNX Runtime itself checks the entry when a session is made with it.
public sealed class IntraOpSpinningTests
{
    [Fact]
    public void By_default_the_threads_do_not_spin_and_the_option_turns_spinning_back_on()
    {
        Assert.Equal([("session.intra_op.allow_spinning", "0")], SessionFactory.ConfigEntries(new InferenceOptions()));
        Assert.Empty(SessionFactory.ConfigEntries(new InferenceOptions { IntraOpSpinning = true }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sessions_are_made_with_the_entry_onnx_runtime_accepts_and_run(bool spinning)
    {
        var options = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpSpinning = spinning };
        var graph = Path.Combine(ReferenceModels.Package(ReferenceModels.Tiny), "image_encoder.onnx");
        var created = new SessionFactory(options, NullLogger.Instance).Create(graph, "image encoder");
        using var session = created.Session;
        Assert.Equal("CPU", created.Provider);
        Assert.NotEmpty(session.InputMetadata);
    }
}
