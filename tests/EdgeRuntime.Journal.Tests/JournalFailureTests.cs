using EdgeRuntime.Journal.Events;
using EdgeRuntime.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace EdgeRuntime.Journal.Tests;

// The journal's callers (intake, processing) catch the journal's own failure; SQLite's exception type never reaches them.
public sealed class JournalFailureTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_journal_locked_past_its_busy_timeout_fails_as_the_journal_naming_its_file()
    {
        var path = temp.File("state/journal.db");
        var journal = new SlideJournal(path, TimeSpan.FromMilliseconds(50));
        using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        var thrown = Assert.Throws<JournalUnavailableException>(() => journal.Discover("aaa", "/inbox/a.svs", 10, [SlideEvents.Accepted("aaa", "/inbox/a.svs")]));
        Assert.StartsWith(Path.GetFullPath(path), thrown.Message, StringComparison.Ordinal);
        Assert.Contains("could not be read or written", thrown.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(thrown.InnerException);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused_as_the_journal_naming_its_file()
    {
        var path = temp.File("state/journal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "these bytes are not an SQLite database, whatever the file's name says; long enough to have a header");

        var thrown = Assert.Throws<JournalUnavailableException>(() => new SlideJournal(path));
        Assert.StartsWith(Path.GetFullPath(path), thrown.Message, StringComparison.Ordinal);
    }
}
