using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Plugins load only from the plugins root, by real path: a symbolic link in the root that leads out of it (a
/// version folder, an id folder, or one file in a version) is refused, with real links on the real file system.
/// </summary>
public sealed class SymbolicLinkTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public SymbolicLinkTests()
    {
        Options = new PluginOptions { Root = temp.File("plugins"), ActiveFile = temp.File("state/active-plugins.json") };
        Directory.CreateDirectory(Options.Root);
        Outside = BrokenTaskPlugins.InstallWorking(temp.File("elsewhere"), "outside", "1.0.0");
    }

    private PluginOptions Options { get; }

    private string Outside { get; }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_version_folder_linked_from_outside_the_root_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(Options.Root, "tasks", "linked"));
        Directory.CreateSymbolicLink(Path.Combine(Options.Root, "tasks", "linked", "1.0.0"), Outside);

        AssertRefused(new PluginRef(PluginRef.Tasks, "linked", "1.0.0"));
    }

    [Fact]
    public void An_id_folder_linked_from_outside_the_root_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(Options.Root, "tasks"));
        Directory.CreateSymbolicLink(Path.Combine(Options.Root, "tasks", "outside"), Path.GetDirectoryName(Outside)!);

        AssertRefused(new PluginRef(PluginRef.Tasks, "outside", "1.0.0"));
    }

    [Fact]
    public void One_file_linked_from_outside_the_root_is_refused()
    {
        var folder = BrokenTaskPlugins.InstallWorking(Options.Root, "mixed", "1.0.0");
        var assembly = Path.Combine(folder, Path.GetFileName(BrokenTaskPlugins.MisbehavingAssembly));
        File.Delete(assembly);
        File.CreateSymbolicLink(assembly, Path.Combine(Outside, Path.GetFileName(assembly)));

        AssertRefused(new PluginRef(PluginRef.Tasks, "mixed", "1.0.0"));
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_is_followed()
    {
        var real = BrokenTaskPlugins.InstallWorking(Options.Root, "real", "1.0.0");
        Directory.CreateDirectory(Path.Combine(Options.Root, "tasks", "alias"));
        Directory.CreateSymbolicLink(Path.Combine(Options.Root, "tasks", "alias", "1.0.0"), real);

        using var set = TaskSetLoader.Load([new PluginRef(PluginRef.Tasks, "alias", "1.0.0")], Options, TaskHost.Quiet, NullLogger.Instance);
        Assert.Equal(["well-behaved"], set.Tasks.Select(t => t.Task.Name));
    }

    [Fact]
    public void A_model_folder_linked_from_outside_the_root_is_refused_by_activate()
    {
        PluginRoots.InstallTinyModel(temp.File("elsewhere"), "9.9.9");
        Directory.CreateDirectory(Path.Combine(Options.Root, "models", "tiny-reference"));
        Directory.CreateSymbolicLink(Path.Combine(Options.Root, "models", "tiny-reference", "9.9.9"), Path.Combine(temp.File("elsewhere"), "models", "tiny-reference", "9.9.9"));

        var error = Assert.Throws<InvalidDataException>(() =>
            PluginVerifier.Verify(new PluginRef(PluginRef.Models, "tiny-reference", "9.9.9"), Options, PluginWorkspace.Inference, NullLogger.Instance));
        Assert.Contains("outside the plugins root", error.Message, StringComparison.Ordinal);
    }

    private void AssertRefused(PluginRef plugin)
    {
        var error = Assert.Throws<InvalidDataException>(() => TaskSetLoader.Load([plugin], Options, TaskHost.Quiet, NullLogger.Instance));
        Assert.Contains("outside the plugins root", error.Message, StringComparison.Ordinal);
        Assert.Contains(temp.File("elsewhere"), error.Message, StringComparison.Ordinal);
    }
}
