using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// <c>edgert run</c> checks the places its configuration names to write (inbox, done and failed folders, journal,
/// tasks' state) before it opens the model the configuration names: before, an inbox that was a file was
/// found only when the host started, after the model (so a broken model hid it), and then in .NET's words.
/// </summary>
public sealed class ServicePlacesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_bad_configuration_and_a_bad_model_report_the_configuration_every_place_with_its_key()
    {
        var file = temp.File("plain");
        File.WriteAllText(file, "x");
        var brokenModel = Directory.CreateDirectory(temp.File("broken-model")).FullName; // no model.json
        var config = temp.File("config.json");
        File.WriteAllText(config, $$"""
            { "EdgeRuntime": {
                "Models": { "DefaultPackage": "{{brokenModel}}" },
                "Inbox": { "Path": "{{file}}", "FailedFolder": "/proc/edgert-failed" },
                "Journal": { "DatabasePath": "{{file}}/journal.db" },
                "Processing": { "TaskStateDirectory": "/dev/null", "ResultsDirectory": "{{file}}" } } }
            """);
        var (code, _, error) = Edgert.Run("run", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains($"EdgeRuntime:Inbox:Path: {file}: a regular file; name a folder to write incoming slides into.", error);
        Assert.Contains("EdgeRuntime:Inbox:FailedFolder: /proc/edgert-failed: the folder /proc does not take new files (no permission, or a read-only file system).", error);
        Assert.Contains($"EdgeRuntime:Journal:DatabasePath: {file}/journal.db: {file} is not a folder.", error);
        Assert.Contains("EdgeRuntime:Processing:TaskStateDirectory: /dev/null: a character device; name a folder to write the tasks' state into.", error);

        // A results store that cannot be written is waited for slide by slide, as an unmounted share at boot is.
        Assert.DoesNotContain("ResultsDirectory", error);
        Assert.DoesNotContain("broken-model", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void Places_still_to_be_made_under_a_writable_folder_are_fine()
    {
        // The defaults (inbox, state/journal.db, results, state/tasks) under the configuration file's folder, none made yet.
        var config = temp.File("config.json");
        File.WriteAllText(config, "{}");
        Assert.Empty(Cli.Configuration.ServicePlaces.Problems(Cli.Configuration.EdgertSettings.Load(config)));
        Assert.Equal(["config.json"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }
}
