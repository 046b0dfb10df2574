using System.Diagnostics;
using System.Text;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Ingest.Tests.Inbox;

/// <summary>
/// The real watcher, intake, journal and OpenSlide on a real inbox holding one hostile entry (real links, a real FIFO,
/// a byte-path name) beside a good slide. Each case asserts what became of the entry and that the good slide was taken;
/// how long that took is written to the test output beside the time of the good slide alone (no timed assert).
/// </summary>
public sealed class HostileInboxEntryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory temp = new();
    private readonly RecordingLogger log = new();
    private byte[]? byteName;

    public static TheoryData<string> Kinds => ["alone", "link to /dev/urandom", "link to /etc/shadow", "link to a slide outside the inbox", "fifo", "folder named dir.svs", "empty folder named empty.svs",
        "dangling link", "link to a folder", "name not valid UTF-8", "64 GiB sparse file that does not open"];

    public void Dispose()
    {
        if (byteName is not null)
        {
            BytePathFiles.Unlink(byteName); // .NET cannot name it, so the temporary folder's removal could not either
        }

        temp.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_hostile_entry_is_never_read_gets_one_reason_note_and_a_good_slide_beside_it_is_taken(string kind)
    {
        var inbox = temp.File("inbox");
        Directory.CreateDirectory(inbox);
        var options = new InboxOptions { Path = inbox, QuietPeriodSeconds = 0.2, RescanIntervalSeconds = 0.5, IntakeTimeoutSeconds = 2, RetrySeconds = 0.5 };
        var journal = new SlideJournal(temp.File("state/journal.db"));
        var hostile = MakeHostile(kind, inbox);

        var clock = Stopwatch.StartNew();
        var good = Path.Combine(inbox, "good.svs");
        File.Copy(TestData.Slide("CMU-1-Small-Region.svs"), good);
        using var service = Start(options, journal);
        await WaitForAsync(() => journal.List().Any(r => r.Path == good), "the good slide in the journal");
        var goodTaken = clock.Elapsed;

        var failed = options.FailedPath;
        if (hostile is not null)
        {
            var noteName = Path.GetFileName(hostile).Replace('\uFFFD', '?') + FailedSlideRetake.ReasonSuffix;
            await WaitForAsync(() => File.Exists(Path.Combine(failed, noteName)), "the reason note for " + kind);
            await Task.Delay(1500); // a few more scans: no second note, no second log line

            var notes = Directory.GetFiles(failed, "*" + FailedSlideRetake.ReasonSuffix);
            Assert.Single(notes);
            var note = File.ReadAllText(notes[0]);
            Assert.StartsWith(hostile + ":", note, StringComparison.Ordinal);
            Assert.Single(log.Entries, e => e.Message.StartsWith("Not taken:", StringComparison.Ordinal));

            // Nothing read from it reaches the journal: the good slide is its only record.
            Assert.Equal([good], journal.List().Select(r => r.Path));
            output.WriteLine($"{kind}: {Outcome(kind, inbox, failed)}; reason: {note.Split('\n')[0]}");
        }

        Assert.Equal(SlideState.Pending, Assert.Single(journal.List()).State);
        output.WriteLine($"{kind}: good slide in the journal after {goodTaken.TotalSeconds:0.00} s (watcher quiet period 0.2 s)");
    }

    [Fact]
    public async Task A_file_that_could_not_be_taken_because_the_journal_was_locked_is_taken_on_the_retry_timer()
    {
        var inbox = temp.File("inbox");
        Directory.CreateDirectory(inbox);
        var options = new InboxOptions { Path = inbox, QuietPeriodSeconds = 0.2, RescanIntervalSeconds = 0.5, RetrySeconds = 0.5 };
        var databasePath = temp.File("state/journal.db");
        var journal = new SlideJournal(databasePath, busyTimeout: TimeSpan.FromMilliseconds(300));
        using var service = Start(options, journal);

        // Another writer (a backup, an admin's sqlite3) holds the journal's write lock while the slide arrives.
        using (var holder = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            holder.Open();
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            File.Copy(TestData.Slide("CMU-1-Small-Region.svs"), Path.Combine(inbox, "slide.svs"));
            await WaitForAsync(() => log.Entries.Any(e => e.Message.StartsWith("Could not take", StringComparison.Ordinal)), "intake meeting the locked journal");
            using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        // No event, no rescan that would find anything new: only the retry timer brings it in.
        await WaitForAsync(() => journal.List().Count == 1, "the slide taken after the lock was released");
        Assert.Equal(SlideState.Pending, journal.List()[0].State);
        Assert.True(File.Exists(Path.Combine(inbox, "slide.svs")));
    }

    private string? MakeHostile(string kind, string inbox)
    {
        switch (kind)
        {
            case "alone":
                return null;
            case "link to /dev/urandom":
                return Link(inbox, "x.svs", "/dev/urandom");
            case "link to /etc/shadow":
                return Link(inbox, "s.svs", "/etc/shadow");
            case "link to a slide outside the inbox":
                var outside = temp.File("elsewhere.svs");
                File.Copy(TestData.Slide("small.svs"), outside);
                return Link(inbox, "outside.svs", outside);
            case "fifo":
                var fifo = Path.Combine(inbox, "pipe.svs");
                ExternalTool.Run("/usr/bin/mkfifo", [fifo]);
                return fifo;
            case "folder named dir.svs":
                var folder = Path.Combine(inbox, "dir.svs");
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "inside.txt"), "not a slide");
                return folder;
            case "empty folder named empty.svs":
                var empty = Path.Combine(inbox, "empty.svs");
                Directory.CreateDirectory(empty); // mkdir inbox/empty.svs
                return empty;
            case "dangling link":
                return Link(inbox, "dangling.svs", temp.File("nothing-here.svs"));
            case "link to a folder":
                return Link(inbox, "folder-link.svs", "/etc");
            case "name not valid UTF-8":
                // "bad\xff.svs": bytes .NET cannot hold in a string, written through a byte path.
                byteName = [.. Encoding.UTF8.GetBytes(inbox + "/bad"), 0xFF, .. Encoding.UTF8.GetBytes(".svs"), 0];
                BytePathFiles.CreateWithContent(byteName, File.ReadAllBytes(TestData.Slide("small.svs")));
                return Path.Combine(inbox, "bad\uFFFD.svs");
            case "64 GiB sparse file that does not open":
                var sparse = Path.Combine(inbox, "huge.svs");
                using (var stream = File.Create(sparse))
                {
                    stream.SetLength(64L << 30);
                }

                return sparse;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static string Link(string inbox, string name, string target)
    {
        var path = Path.Combine(inbox, name);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    private static string Outcome(string kind, string inbox, string failed)
    {
        var left = Directory.EnumerateFileSystemEntries(inbox).Where(e => e != failed).Select(Path.GetFileName).Where(n => n != "good.svs").ToList();
        var moved = Directory.EnumerateFileSystemEntries(failed).Select(Path.GetFileName).Where(n => !n!.EndsWith(FailedSlideRetake.ReasonSuffix, StringComparison.Ordinal)).ToList();
        return left.Count > 0 ? $"left in the inbox ({string.Join(", ", left)}) with a note" : $"moved to failed/ as itself ({string.Join(", ", moved)}) with a note";
    }

    private Running Start(InboxOptions options, SlideJournal journal)
    {
        journal.UseSinks(["test"]);
        var files = new InboxFiles(options);
        var intake = new SlideIntake(new SlideOpener(new SlideReadingOptions()), journal, journal, files, new PendingSlidesSignal(), new IngestMetrics(), new LoggerOf<SlideIntake>(log));
        var watcher = new InboxWatcher(options, intake, files, new FailedSlideRetake(options, new LoggerOf<FailedSlideRetake>(log)), new LoggerOf<InboxWatcher>(log));
        watcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new Running(watcher);
    }

    private async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {Patience.TotalSeconds} s for {what}\n" + string.Join("\n", log.Entries.Select(e => e.Message)));
            await Task.Delay(50);
        }
    }

    private sealed class Running(InboxWatcher watcher) : IDisposable
    {
        public void Dispose()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            watcher.StopAsync(stop.Token).GetAwaiter().GetResult();
            watcher.Dispose();
        }
    }

    private sealed class LoggerOf<T>(Microsoft.Extensions.Logging.ILogger inner) : Microsoft.Extensions.Logging.ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
