using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Packages;

/// <summary>
/// A manifest's numbers have upper bounds as well as lower ones, refused at load naming model.json and the key: before,
/// <c>tiling.targetMicronsPerPixel: 1e308</c> was taken from a package though the configuration and
/// <c>--target-mpp</c> refuse anything beyond 0.05–100 µm/px, and a 2-billion-wide embedding or context was read as given.
/// </summary>
public sealed class ManifestLimitsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string CopyOfTiny() => PackageCopies.Copy(ReferenceModels.Package(ReferenceModels.Tiny), temp.File("tiny"));

    private static ModelPackageException Refused(string package) =>
        Assert.Throws<ModelPackageException>(() => Models.Load(package).Dispose());

    [Theory]
    [InlineData(1e308, "1E+308")]
    [InlineData(150, "150")]
    [InlineData(0.01, "0.01")]
    public void A_target_resolution_outside_the_configurations_range_is_refused_naming_the_manifest_and_key(double value, string shown)
    {
        var package = CopyOfTiny();
        PackageCopies.EditManifest(package, m => m["tiling"]!["targetMicronsPerPixel"] = value);
        var error = Refused(package);
        Assert.Contains(package, error.Message);
        Assert.Contains($"model.json: tiling.targetMicronsPerPixel must be between 0.05 and 100 µm/px (is {shown}).", error.Message);
    }

    [Fact]
    public void The_ends_of_the_range_are_taken()
    {
        foreach (var value in new[] { 0.05, 100 })
        {
            var package = PackageCopies.Copy(ReferenceModels.Package(ReferenceModels.Tiny), temp.File($"tiny-{value}"));
            PackageCopies.EditManifest(package, m => m["tiling"]!["targetMicronsPerPixel"] = value);
            using var loaded = Models.Load(package);
            Assert.Equal(value, loaded.Manifest.Tiling.TargetMicronsPerPixel);
        }
    }

    [Fact]
    public void Every_number_beyond_its_bound_is_refused_with_its_key()
    {
        var package = CopyOfTiny();
        PackageCopies.EditManifest(package, m =>
        {
            m["tiling"]!["tileSize"] = 100_000;
            m["embeddingSize"] = int.MaxValue;
            m["preprocessing"]!["inputSize"] = 65_536;
            m["preprocessing"]!["mean"] = new JsonArray(123.7, 116.3, 103.5);
            m["tokenizer"]!["contextLength"] = 1_000_000;
            m["tokenizer"]!["padTokenId"] = -1;
            m["logitScale"] = 1e9;
        });
        var message = Refused(package).Message;
        Assert.Contains("model.json: tiling.tileSize must be between 8 and 4096 pixels (is 100000).", message);
        Assert.Contains($"model.json: embeddingSize must be from 1 to 16384 (is {int.MaxValue}).", message);
        Assert.Contains("model.json: preprocessing.inputSize must be from 8 to 4096 pixels (is 65536).", message);
        Assert.Contains("model.json: preprocessing.mean must have 3 values from 0 to 1 (has 123.7, 116.3, 103.5).", message);
        Assert.Contains("model.json: tokenizer.contextLength must be from 2 to 8192 (is 1000000).", message);
        Assert.Contains("model.json: tokenizer.padTokenId must be from 0 to 10000000 (is -1).", message);
        Assert.Contains("model.json: logitScale must be a positive number up to 1000 (is 1000000000).", message);
    }
}
