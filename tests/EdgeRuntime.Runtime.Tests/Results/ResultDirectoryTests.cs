using EdgeRuntime.Runtime.Results;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Results;

/// <summary>
/// A slide id becomes the folder a result replaces. The fleet and the request paths check their own input; this is the
/// second line: an id that is not one plain folder name never reaches the disk (session 12's attack: an offer naming
/// "../state" would have had Commit move and delete the journal's folder).
/// </summary>
public sealed class ResultDirectoryTests
{
    [Theory]
    [InlineData("../state")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("/etc")]
    [InlineData("a\\b")]
    [InlineData(".hidden")]
    [InlineData("ab\n")]
    [InlineData("a b")]
    public void An_id_that_is_not_one_plain_folder_name_is_refused_before_anything_is_written(string id)
    {
        using var temp = new TempDirectory();
        var results = temp.File("results");
        var state = temp.File("state");
        Directory.CreateDirectory(results);
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "journal.db"), "kept");

        var error = Assert.Throws<ArgumentException>(() => new ResultDirectory(results, id));

        Assert.Contains("is not one plain folder name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal); // a control character is shown, not printed
        Assert.Equal("kept", File.ReadAllText(Path.Combine(state, "journal.db")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(results));
    }

    [Fact]
    public void An_id_over_128_characters_is_refused_and_shown_cut()
    {
        using var temp = new TempDirectory();
        var id = new string('a', 129);

        var error = Assert.Throws<ArgumentException>(() => new ResultDirectory(temp.Path, id));

        Assert.DoesNotContain(id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_content_hash_id_is_written_and_committed_below_the_results_root()
    {
        using var temp = new TempDirectory();
        const string id = "0a5c52d1040af8a4f040"; // the shape the inbox gives: hex digits of the file's SHA-256
        var output = new ResultDirectory(temp.Path, id);
        output.Begin();
        File.WriteAllText(Path.Combine(output.Staging, "result.json"), "{}");

        output.Commit();

        Assert.Equal(Path.Combine(temp.Path, id), output.Final);
        Assert.True(File.Exists(Path.Combine(temp.Path, id, "result.json")));
    }
}
