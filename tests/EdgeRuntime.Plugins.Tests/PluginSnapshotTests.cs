using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

// A snapshot is what loads; a kept one saves the copy at every start, but only while it is the version as it is now.
public sealed class PluginSnapshotTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private PluginOptions Options => new()
    {
        Root = temp.File("plugins"),
        ActiveFile = temp.File("state/active-plugins.json"),
    };

    private static readonly PluginRef Plugin = new(PluginRef.Tasks, "copied", "1.0.0");

    private string Install()
    {
        var folder = Plugin.Directory(Options.Root);
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        File.WriteAllBytes(Path.Combine(folder, "Copied.dll"), Enumerable.Repeat((byte)7, 5000).ToArray());
        File.WriteAllText(Path.Combine(folder, "lib", "settings.json"), """{ "a": 1 }""");
        return folder;
    }

    [Fact]
    public void A_kept_snapshot_of_an_unchanged_version_is_used_without_copying_it_again()
    {
        Install();
        var first = PluginSnapshot.Take(Plugin, Options);
        var second = PluginSnapshot.Take(Plugin, Options);
        Assert.True(first.Copied);
        Assert.False(second.Copied);
        Assert.Equal((first.Directory, first.Hash), (second.Directory, second.Hash));
        Assert.Equal(PluginHash.OfFolder(Plugin.Directory(Options.Root)), second.Hash);
    }

    [Fact]
    public void A_version_edited_with_its_sizes_and_times_kept_gets_a_fresh_snapshot()
    {
        var folder = Install();
        var first = PluginSnapshot.Take(Plugin, Options);
        var dll = Path.Combine(folder, "Copied.dll");
        var modified = File.GetLastWriteTimeUtc(dll);
        using (var stream = new FileStream(dll, FileMode.Open, FileAccess.Write))
        {
            stream.Write(Enumerable.Repeat((byte)8, 5000).ToArray());
        }

        File.SetLastWriteTimeUtc(dll, modified);
        var second = PluginSnapshot.Take(Plugin, Options);
        Assert.True(second.Copied);
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.Equal(File.ReadAllBytes(dll), File.ReadAllBytes(Path.Combine(second.Directory, "Copied.dll")));
    }

    [Fact]
    public void A_damaged_kept_snapshot_is_replaced_by_a_fresh_copy()
    {
        Install();
        var first = PluginSnapshot.Take(Plugin, Options);
        File.WriteAllText(Path.Combine(first.Directory, "lib", "settings.json"), """{ "a": 2 }""");
        var second = PluginSnapshot.Take(Plugin, Options);
        Assert.True(second.Copied);
        Assert.Equal((first.Directory, first.Hash), (second.Directory, second.Hash));
        Assert.Equal("""{ "a": 1 }""", File.ReadAllText(Path.Combine(second.Directory, "lib", "settings.json")));
    }
}
