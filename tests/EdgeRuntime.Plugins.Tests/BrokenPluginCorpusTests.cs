using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Every kind of broken task plugin is refused with a reason by the verification in a child edgert process, and
/// this process (the test host, standing in for the service) lives on to load a good plugin next. Before the
/// verification moved to a child, the junk DLL with a <c>{}</c> deps.json aborted the process natively, and the
/// hanging, allocating and crashing plugins would take it down or hold it forever.
/// </summary>
public sealed class BrokenPluginCorpusTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private PluginOptions Options => new()
    {
        Root = temp.File("plugins"),
        ActiveFile = temp.File("state/active-plugins.json"),
        VerifyTimeoutSeconds = 20, // the hanging plugin costs this much
        VerifyMemoryMiB = 256,
    };

    [Theory]
    [InlineData("junk-dll", "crashed natively (signal 6")]
    [InlineData("bad-il", "Bad IL format")]
    [InlineData("empty-deps", "Failed to parse file")]
    [InlineData("garbage-deps", "JSON parsing exception")]
    [InlineData("deep-deps", "crashed natively")]
    [InlineData("missing-dependency", "Cloud.Unum.USearch")]
    [InlineData("wrong-framework", "System.Runtime, Version=99.0.0.0")]
    [InlineData("native-library", "libbroken.so")]
    [InlineData("throws", "licence file not found")]
    [InlineData("hangs", "did not finish verification within 20 s")]
    [InlineData("allocates", "exceeded the memory limit of 256 MiB")]
    [InlineData("allocates-native", "exceeded the memory limit of 256 MiB")]
    [InlineData("stack-overflow", "crashed natively")]
    [InlineData("fail-fast", "crashed natively (signal 6")]
    [InlineData("exits", "without a verdict")]
    public void A_broken_plugin_is_refused_with_its_reason_and_the_next_one_loads(string kind, string reason)
    {
        var options = Options;
        BrokenTaskPlugins.Install(options.Root, kind, "broken");
        var broken = new PluginRef(PluginRef.Tasks, "broken", "1.0.0");

        var refusal = Assert.Throws<InvalidDataException>(() => TaskSetLoader.Load([broken], options, TaskHost.Quiet, NullLogger.Instance));

        Assert.Contains(reason, refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith("tasks/broken/1.0.0: ", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(refusal.Message[(broken.ToString().Length + 2)..], TaskPluginIsolation.RecordedRefusal(broken, options)); // what plugins list shows

        // Still here, and loading plugins.
        BrokenTaskPlugins.InstallWorking(options.Root, "good", "1.0.0");
        using var set = TaskSetLoader.Load([new PluginRef(PluginRef.Tasks, "good", "1.0.0")], options, TaskHost.Quiet, NullLogger.Instance);
        Assert.Equal(["well-behaved"], set.Tasks.Select(t => t.Task.Name));
    }

    [Theory]
    [InlineData("huge-deps")]
    [InlineData("cyclic-deps")]
    public void An_odd_but_well_formed_deps_json_is_verified_and_loads(string kind)
    {
        // The host's resolver takes 20 000 libraries, and dependencies in a cycle, in its stride: nothing to refuse.
        var options = Options;
        BrokenTaskPlugins.Install(options.Root, kind, "odd");
        using var set = TaskSetLoader.Load([new PluginRef(PluginRef.Tasks, "odd", "1.0.0")], options, TaskHost.Quiet, NullLogger.Instance);
        Assert.Equal(["well-behaved"], set.Tasks.Select(t => t.Task.Name));
    }

    [Fact]
    public void The_snapshot_is_loaded_so_a_file_changed_after_verification_never_runs()
    {
        var options = Options;
        var folder = BrokenTaskPlugins.InstallWorking(options.Root, "good", "1.0.0");
        var (assembly, hash) = TaskPluginIsolation.Verify(new PluginRef(PluginRef.Tasks, "good", "1.0.0"), options);

        // Replaced in the root after it was verified: what loads is still what was verified.
        File.WriteAllText(Path.Combine(folder, "behaviour"), "throw");
        Assert.False(assembly.StartsWith(Path.GetFullPath(options.Root), StringComparison.Ordinal));
        Assert.Equal(hash, TaskPlugins.ShellDigest(Path.GetDirectoryName(assembly)!));
        using var plugin = TaskPluginLoader.Load(assembly, "tasks/good/1.0.0", TaskHost.Quiet);
        Assert.Equal(["well-behaved"], plugin.Tasks.Select(t => t.Name));
    }
}
