using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Prototypes;

// The prototype file is written and read by one typed record (edgert prototypes build used to write it by hand
// while the runtime read it typed), and the class mean is computed in one place for both build and eval few-shot.
public sealed class PrototypeSetFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_mean_of_two_unit_vectors_is_their_normalised_sum()
    {
        // (1, 0) and (0, 1) sum to (1, 1), whose unit vector is (1/√2, 1/√2) = 0.70710678.
        var mean = PrototypeMean.Of([[1f, 0f], [0f, 1f]], 2);
        Assert.Equal(0.70710678f, mean[0], 6);
        Assert.Equal(0.70710678f, mean[1], 6);
    }

    [Fact]
    public void A_prototype_of_no_examples_or_of_examples_that_cancel_is_refused()
    {
        Assert.Contains("at least one example", Assert.Throws<ArgumentException>(() => PrototypeMean.Of([], 2)).Message, StringComparison.Ordinal);
        Assert.Contains("mean is zero", Assert.Throws<ArgumentException>(() => PrototypeMean.Of([[1f, 0f], [-1f, 0f]], 2)).Message, StringComparison.Ordinal);
        Assert.Contains("has 3 values", Assert.Throws<ArgumentException>(() => PrototypeMean.Of([[1f, 0f, 0f]], 2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_written_is_read_back_as_the_same_classes_by_the_runtime()
    {
        var set = PrototypeSetFile.FromExamples("textures", "1.0.0", "plip", 3,
        [
            ("gravel", [[1f, 0f, 0f], [0f, 1f, 0f]]),
            ("sand", [[0f, 0f, 1f]]),
        ]);
        var path = temp.File(PrototypeSetFile.FileName);
        PrototypeSetFile.Write(path, set, 3);

        var read = PrototypeSetFile.Load(path, new ModelIdentity("plip", "2.0.0", new string('0', 64)), 3, modelLogitScale: 50);

        Assert.Equal(["gravel", "sand"], read.Names);
        Assert.Equal(ClassSource.Prototypes, read.Source.Kind);
        Assert.Equal(("textures", "1.0.0"), (read.Source.Id, read.Source.Version));
        Assert.Equal(50, read.LogitScale);
        var values = read.Embeddings.ToArray();
        float[] expected = [0.70710678f, 0.70710678f, 0f, 0f, 0f, 1f];
        Assert.Equal(expected.Length, values.Length);
        Assert.All(expected.Zip(values), p => Assert.Equal(p.First, p.Second, 6));
        // The examples count is kept for provenance, before the embedding, as the file has always been laid out.
        var text = File.ReadAllText(path);
        Assert.True(text.IndexOf("\"examples\": 2", StringComparison.Ordinal) is > 0 and var at && at < text.IndexOf("\"embedding\"", StringComparison.Ordinal), text);
        Assert.DoesNotContain("logitScale", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_the_runtime_would_refuse_is_not_written()
    {
        var set = PrototypeSetFile.FromExamples("textures", "1.0.0", "plip", 3, [("gravel", [[1f, 0f, 0f]])]);
        var path = temp.File(PrototypeSetFile.FileName);

        var e = Assert.Throws<InvalidDataException>(() => PrototypeSetFile.Write(path, set, 3));

        Assert.Contains("at least 2", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
