using System.Diagnostics;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Inference.Tests.Packages;

/// <summary>
/// External data at the 2 GiB boundary, where 32-bit sizes and offsets and protobuf's own limit break: the UNI twin's
/// graph rewritten so that its weights sit in one external-data file of 2 GiB + 512 KiB, behind a used initializer of
/// that size, every real weight at an offset past 2^31. The file is sparse (the ballast is a hole), so the test writes
/// only the weights; it still hashes and maps the whole length. A full ViT-g/14 export (about 4.5 GB of real weights)
/// is the opt-in manual check of docs/models.md.
/// </summary>
public sealed class ExternalDataOver2GibTests(ITestOutputHelper log) : IDisposable
{
    // 2^29 + 2^17 float32 values: 2 GiB + 512 KiB, past int.MaxValue bytes by half a megabyte, page aligned.
    private const long BallastValues = (1L << 29) + (1L << 17);

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_package_whose_external_data_file_is_over_2_GiB_is_hashed_loaded_and_gives_the_same_embedding()
    {
        var package = PackageCopies.Copy(FamilyTwins.Package("uni"), temp.File("uni"));
        var script = Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Inference.Tests", "Packages", "external_data_over_2gib.py");
        var clock = Stopwatch.StartNew();
        var length = long.Parse(ExternalTool.Run(ExternalTool.DebianPython, [script, Path.Combine(package, "image_encoder.onnx"), "image_encoder.onnx.data", BallastValues.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(length > int.MaxValue && length == new FileInfo(Path.Combine(package, "image_encoder.onnx.data")).Length, $"{length} bytes");
        Assert.True(new FileInfo(Path.Combine(package, "image_encoder.onnx")).Length < 1 << 20); // the graph itself holds no weight
        var dataHash = EdgeRuntime.Foundation.Files.FileHash.Sha256(Path.Combine(package, "image_encoder.onnx.data"));
        PackageCopies.EditManifest(package, m => m["files"] = new System.Text.Json.Nodes.JsonObject
        {
            ["image_encoder.onnx"] = EdgeRuntime.Foundation.Files.FileHash.Sha256(Path.Combine(package, "image_encoder.onnx")),
            ["image_encoder.onnx.data"] = dataHash,
        });

        var rgb = new byte[224 * 224 * 3];
        new Random(7).NextBytes(rgb);
        float[] expected;
        using (var original = Models.Load(FamilyTwins.Package("uni")))
        using (var encoder = new OnnxImageEncoder(original, 1))
        {
            expected = encoder.EncodeImage(rgb, 224, 224);
        }

        using (var large = Models.Load(package))
        using (var encoder = new OnnxImageEncoder(large, 1))
        {
            Assert.Equal(dataHash, large.Manifest.Files["image_encoder.onnx.data"]);
            var cosine = Models.Cosine(encoder.EncodeImage(rgb, 224, 224), [.. expected.Select(v => (double)v)]);
            Assert.True(cosine > 0.999999, $"cosine {cosine}");
        }

        // One byte of the file changed, 2 GiB in: refused by its hash, as any file of a package.
        using (var data = new FileStream(Path.Combine(package, "image_encoder.onnx.data"), FileMode.Open, FileAccess.Write))
        {
            data.Position = int.MaxValue;
            data.WriteByte(1);
        }

        var e = Assert.Throws<EdgeRuntime.Inference.Packages.ModelPackageException>(() => Models.Load(package).Dispose());
        Assert.Contains("image_encoder.onnx.data", e.Message);
        Assert.Contains("SHA-256", e.Message);
        log.WriteLine($"{length:N0} bytes of external data; {clock.Elapsed.TotalSeconds:0.0} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB; CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} s");
    }
}
