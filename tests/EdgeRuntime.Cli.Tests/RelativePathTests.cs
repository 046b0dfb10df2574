using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Relative paths resolve against one documented root, never the folder a command was started from: those in a
/// --config file against that file's folder, defaults against the data root (the --config file's folder) (issue 23 §2).
/// </summary>
public sealed class RelativePathTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_relative_path_in_a_config_file_is_from_that_files_folder_whatever_the_working_folder()
    {
        var site = Directory.CreateDirectory(temp.File("site")).FullName;
        var elsewhere = Directory.CreateDirectory(temp.File("elsewhere")).FullName;
        var config = Path.Combine(site, "site.json");
        File.WriteAllText(config, """{"EdgeRuntime":{"Journal":{"DatabasePath":"db/journal.db"}}}""");

        var (code, _, error) = EdgertProcess.Run(null, elsewhere, "status", "--config", config);
        Assert.Equal(1, code); // no journal yet: the message names where it looked
        Assert.Contains(Path.Combine(site, "db", "journal.db"), error);
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "db")));
    }

    [Fact]
    public void A_default_path_is_from_the_config_files_folder_not_the_working_folder()
    {
        var site = Directory.CreateDirectory(temp.File("site")).FullName;
        var elsewhere = Directory.CreateDirectory(temp.File("elsewhere")).FullName;
        var config = Path.Combine(site, "site.json");
        File.WriteAllText(config, """{"EdgeRuntime":{"Tiling":{"TileSize":224}}}""");

        // The journal's default, state/journal.db, set in appsettings.json beside edgert and in the code.
        var (code, _, error) = EdgertProcess.Run(null, elsewhere, "status", "--config", config);
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(site, "state", "journal.db"), error);
    }

    [Fact]
    public void An_absolute_path_stays_as_written()
    {
        var journal = temp.File("abs/journal.db");
        var config = temp.File("site.json");
        File.WriteAllText(config, """{"EdgeRuntime":{"Journal":{"DatabasePath":""" + System.Text.Json.JsonSerializer.Serialize(journal) + "}}}");
        var (code, _, error) = Edgert.Run("status", "--config", config);
        Assert.Equal(1, code);
        Assert.Contains(journal, error);
    }
}
