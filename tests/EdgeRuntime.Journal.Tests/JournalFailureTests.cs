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

    [Fact]
    public void A_journal_that_cannot_be_used_says_why_in_words_and_what_to_do_never_in_SQLite_s()
    {
        var notAJournal = temp.File("a/journal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(notAJournal)!);
        File.WriteAllBytes(notAJournal, [.. Enumerable.Range(0, 8192).Select(i => (byte)((i * 7919) % 251))]);
        var folder = temp.File("b/journal.db");
        Directory.CreateDirectory(folder);

        var thrown = Assert.Throws<JournalUnavailableException>(() => new SlideJournal(notAJournal));
        Assert.Equal($"{Path.GetFullPath(notAJournal)}: the journal could not be read or written: the file is not a journal (not an SQLite database: damaged, or another file in its place); move it away to start a new, empty journal, or restore it from a backup.", thrown.Message);

        thrown = Assert.Throws<JournalUnavailableException>(() => new SlideJournal(folder));
        Assert.StartsWith($"{Path.GetFullPath(folder)}: the journal could not be read or written: the path is a folder, not a file;", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("EdgeRuntime:Journal:DatabasePath", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_locked_by_another_process_says_so()
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
        Assert.Contains("another process holds it locked past the busy timeout", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite Error", thrown.Message, StringComparison.Ordinal);
    }
}

