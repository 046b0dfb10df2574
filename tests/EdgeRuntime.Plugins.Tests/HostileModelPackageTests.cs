using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Model packages whose every hash is right but whose graph makes ONNX Runtime allocate without bound or hang (or
/// that hold a file nothing should read) are refused with the reason by the verification in a child edgert process,
/// and this process (the test host, standing in for the service) keeps serving with its model. Before, the package
/// was opened here: the 8 GiB tensor would be allocated in the service, the endless loop would hold its encoder
/// forever, and hashing a link to /dev/zero or a pipe would never end.
/// </summary>
public sealed class HostileModelPackageTests
{
    [Theory]
    [InlineData("allocates", "exceeded the memory limit of 512 MiB (EdgeRuntime:Plugins:VerifyModelMemoryMiB)")]
    [InlineData("hangs", "did not finish verification within 30 s (EdgeRuntime:Plugins:VerifyModelTimeoutSeconds); the verification process was killed")]
    // The next three are refused by the package's own graph walk (Packages/OnnxExternalData) before ONNX Runtime reads them.
    [InlineData("truncated", "image_encoder.onnx: not a readable ONNX graph")]
    [InlineData("external-absolute", "outside the package folder; refused.")]
    [InlineData("external-outside", "outside the package folder; refused.")]
    public async Task A_hostile_model_version_is_refused_with_its_reason_and_the_running_model_keeps_serving(string kind, string reason)
    {
        using var w = await PluginWorkspace.CreateAsync(isolated: true);
        HostileModels.Install(w.Root, kind, "6.6.6");

        var outcome = await PluginControllerTests.Activate(w, PluginWorkspace.Model("6.6.6"));

        Assert.False(outcome.Accepted);
        Assert.Contains(reason, outcome.Reason, StringComparison.Ordinal);
        var refused = w.Events().Last();
        Assert.Equal("refused", refused["event"]!.GetValue<string>());
        Assert.Contains(reason, refused["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // The model that ran still runs, and encodes.
        using (var lease = w.Models.Acquire())
        {
            Assert.Equal("1.0.0", lease.Value.Package.Identity.Version);
            Assert.Equal(32, lease.Value.Encoder.EncodeImage(new byte[64 * 64 * 3], 64, 64).Length);
        }

        // And the next good version is taken.
        var next = await PluginControllerTests.Activate(w, PluginWorkspace.Model("1.0.1"));
        Assert.True(next.Accepted, next.Reason);
    }

    [Theory]
    [InlineData("link-to-device", "weights.bin: a link that leads to /dev/zero, outside the package")]
    [InlineData("fifo", "weights.bin: a named pipe (FIFO), not a regular file")]
    public void A_package_outside_the_plugins_root_holding_a_file_that_is_not_regular_is_refused_before_anything_reads_it(string kind, string reason)
    {
        // The configured model (EdgeRuntime:Processing:ModelPackage) need not lie in the plugins root, whose real-path
        // check would refuse the link first: the package's own check must.
        using var temp = new TempDirectory();
        var options = new PluginOptions { ActiveFile = temp.File("state/active-plugins.json") };
        var inference = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 };
        ModelPackageIsolation.Require(inference, options);
        var package = HostileModels.Install(temp.File("models"), kind, "1.0.0");

        var refusal = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(package, inference, NullLogger.Instance));

        Assert.Contains(reason, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verified_package_is_not_verified_again_and_a_changed_one_is()
    {
        using var temp = new TempDirectory();
        var options = new PluginOptions { ActiveFile = temp.File("state/active-plugins.json") };
        var inference = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 };
        ModelPackageIsolation.Require(inference, options);
        var package = PluginRoots.InstallTinyModel(temp.File("plugins"), "1.0.0");
        ModelPackage.Load(package, inference, NullLogger.Instance).Dispose();
        Assert.Single(Directory.GetFiles(temp.File("state/" + ModelPackageIsolation.VerdictFolder)));

        // A deadline no child could meet: the package still loads, so no child ran (the restart case).
        options.VerifyModelTimeoutSeconds = 0.001;
        ModelPackage.Load(package, inference, NullLogger.Instance).Dispose();

        // A file added to the package is new content: verified again, and this time the child misses its deadline.
        File.WriteAllText(Path.Combine(package, "notes.txt"), "added later");
        var refusal = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(package, inference, NullLogger.Instance));
        Assert.Contains("did not finish verification within 0.001 s", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("did not finish verification", ModelPackageIsolation.RecordedRefusal(package, options));
    }
}
