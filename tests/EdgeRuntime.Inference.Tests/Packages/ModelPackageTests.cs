using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Packages;

public sealed class ModelPackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A copy of the tiny reference package that a test may damage.</summary>
    private string CopyOfTiny() => PackageCopies.Copy(ReferenceModels.Package(ReferenceModels.Tiny), temp.File("tiny"));

    private static void EditManifest(string package, Action<JsonObject> edit) => PackageCopies.EditManifest(package, edit);

    private static ModelPackageException Refused(string package) =>
        Assert.Throws<ModelPackageException>(() => Models.Load(package).Dispose());

    [Fact]
    public void A_package_named_with_a_trailing_slash_a_relative_path_or_a_symlink_loads_as_the_same_package()
    {
        var package = CopyOfTiny();
        var link = temp.File("tiny-link");
        File.CreateSymbolicLink(link, package);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, package);
        foreach (var form in new[] { package + "/", package + "//", relative, relative + "/", link, link + "/" })
        {
            using var loaded = Models.Load(form);
            Assert.False(loaded.Directory.EndsWith('/'), $"{form} became {loaded.Directory}");
            Assert.True(Path.IsPathRooted(loaded.Directory), form);
        }

        using var plain = Models.Load(package);
        using var slashed = Models.Load(package + "/");
        Assert.Equal(plain.Directory, slashed.Directory);
        Assert.Equal(plain.Identity, slashed.Identity);
    }

    [Fact]
    public void Intact_package_loads_with_its_identity()
    {
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        Assert.Equal("tiny-reference", package.Identity.Id);
        Assert.Equal("1.0.0", package.Identity.Version);
        Assert.Equal(64, package.Identity.Sha256.Length);
        Assert.Equal("CPU", package.ExecutionProvider);
    }

    [Fact]
    public void Wrong_hash_is_refused_naming_the_file()
    {
        var package = CopyOfTiny();
        File.AppendAllText(Path.Combine(package, "tokenizer", "merges.txt"), "x y\n");
        var error = Refused(package);
        Assert.Contains("tokenizer/merges.txt: SHA-256 is", error.Message);
        Assert.Contains(package, error.Message);
    }

    [Fact]
    public void Missing_file_is_refused_naming_it()
    {
        var package = CopyOfTiny();
        File.Delete(Path.Combine(package, "text_encoder.onnx"));
        Assert.Contains("text_encoder.onnx: listed in model.json but missing", Refused(package).Message);
    }

    [Fact]
    public void Onnx_output_size_that_disagrees_with_the_manifest_is_refused()
    {
        var package = CopyOfTiny();
        EditManifest(package, m => m["embeddingSize"] = 512); // the graphs output 32
        var error = Refused(package);
        Assert.Contains("image_encoder.onnx: output 'image_embeds' is [?, 32] float32; the manifest implies [batch, 512] (embeddingSize) float32", error.Message);
        Assert.Contains("text_encoder.onnx: output 'text_embeds'", error.Message);
    }

    [Fact]
    public void Wrong_input_name_is_refused_listing_the_real_ones()
    {
        var package = CopyOfTiny();
        EditManifest(package, m => m["imageEncoder"]!["input"] = "pixels");
        Assert.Contains("image_encoder.onnx: no input named 'pixels' (it has pixel_values)", Refused(package).Message);
    }

    [Fact]
    public void Unknown_manifest_key_is_refused_naming_it()
    {
        var package = CopyOfTiny();
        EditManifest(package, m => m["logitScal"] = 100);
        var error = Refused(package);
        Assert.Contains("model.json", error.Message);
        Assert.Contains("logitScal", error.Message);
    }

    [Fact]
    public void Bad_values_are_each_refused_naming_their_keys()
    {
        var package = CopyOfTiny();
        EditManifest(package, m =>
        {
            m["preprocessing"]!["mean"] = new JsonArray(0.5, 0.5);
            m["preprocessing"]!["interpolation"] = "lanczos";
            m["tokenizer"]!["kind"] = "conch-bpe";
            m["logitScale"] = -1;
        });
        var error = Refused(package);
        Assert.Contains("preprocessing.mean must have 3 values", error.Message);
        Assert.Contains("preprocessing.interpolation 'lanczos'", error.Message);
        Assert.Contains("tokenizer.kind 'conch-bpe' is not supported", error.Message);
        Assert.Contains("logitScale must be a positive number", error.Message);
    }

    [Fact]
    public void Missing_manifest_is_refused()
    {
        var package = CopyOfTiny();
        File.Delete(Path.Combine(package, "model.json"));
        Assert.Contains("model.json: missing", Refused(package).Message);
    }

    [Fact]
    public void Unavailable_cuda_falls_back_to_cpu_and_is_reported_at_most_once_per_process()
    {
        // The GPU build on a machine without the NVIDIA driver (this one); where CUDA is installed there is no fallback to see.
        var logger = new RecordingLogger();
        var options = new InferenceOptions { ExecutionProviders = ["CUDA", "CPU"], IntraOpThreads = 2 };
        if (ProviderProbe.WhyNot("CUDA") is null)
        {
            using var onGpu = ModelPackage.Load(ReferenceModels.Package(ReferenceModels.Tiny), options, logger);
            Assert.Equal("CUDA", onGpu.ExecutionProvider);
            return;
        }

        using (var first = ModelPackage.Load(ReferenceModels.Package(ReferenceModels.Tiny), options, logger))
        using (var second = ModelPackage.Load(ReferenceModels.Package(ReferenceModels.Tiny), options, logger))
        {
            Assert.Equal(("CPU", "CPU"), (first.ExecutionProvider, second.ExecutionProvider));
        }

        // Four sessions; the reason is given once per process (an earlier test in this process may have had it).
        Assert.True(logger.Entries.Count(e => e.Message.Contains("cannot run here", StringComparison.Ordinal)) <= 1);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("is not available for", StringComparison.Ordinal)); // ONNX Runtime was never asked
        Assert.StartsWith("libcuda.so.1 (the NVIDIA driver)", ProviderProbe.WhyNot("CUDA"), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_provider_name_is_an_options_error_with_its_key()
    {
        var errors = new InferenceOptions { ExecutionProviders = ["Cuda", "OpenVINO"] }.Validate().ToList();
        Assert.Single(errors);
        Assert.Contains("EdgeRuntime:Inference:ExecutionProviders:1 'OpenVINO'", errors[0]);
    }

    [Fact]
    public void Providers_are_tried_once_each_with_cpu_last()
    {
        Assert.Equal(["CUDA", "CPU"], new InferenceOptions().EffectiveProviders);
        Assert.Equal(["TensorRT", "CUDA", "CPU"], new InferenceOptions { ExecutionProviders = ["TensorRT", "CPU", "CUDA", "cuda"] }.EffectiveProviders);
    }
}
