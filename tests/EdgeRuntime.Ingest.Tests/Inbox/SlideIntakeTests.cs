using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeRuntime.Ingest.Tests.Inbox;

// Real slides from shared/, a real SQLite journal, a real inbox folder.
public sealed class SlideIntakeTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly InboxOptions inbox;
    private readonly SlideJournal journal;
    private readonly SlideIntake intake;
    private readonly RecordingLogger log = new();

    public SlideIntakeTests()
    {
        inbox = new InboxOptions { Path = temp.File("inbox") };
        Directory.CreateDirectory(inbox.Path);
        journal = new SlideJournal(temp.File("state/journal.db"));
        journal.UseSinks(["test"]);
        intake = new SlideIntake(new SlideOpener(new SlideReadingOptions()), journal, journal, new InboxFiles(inbox), new PendingSlidesSignal(), new IngestMetrics(), new Forwarding(log));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_slide_that_opens_is_pending_with_its_quickhash_id_and_one_accepted_event()
    {
        var path = Drop("CMU-1-Small-Region.svs");
        intake.Accept(path);

        var record = Assert.Single(journal.List());
        Assert.Equal(SlideState.Pending, record.State);
        Assert.Equal(SlideIdentity.Length, record.Id.Length);
        var e = Assert.Single(journal.PeekOutbox("test", 10));
        Assert.Equal((EventKinds.SlideAccepted, record.Id, "CMU-1-Small-Region.svs"), (e.Kind, e.Subject, e.Data["file"]!.GetValue<string>()));
        Assert.True(File.Exists(path)); // stays in the inbox until processed
    }

    [Fact]
    public void A_file_that_does_not_open_is_failed_moved_and_its_reason_written_beside_it()
    {
        var path = Path.Combine(inbox.Path, "notes.svs");
        File.WriteAllText(path, "not a slide");
        intake.Accept(path);

        var record = Assert.Single(journal.List());
        Assert.Equal(SlideState.Failed, record.State);
        Assert.StartsWith(path, record.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        var reason = File.ReadAllText(Path.Combine(inbox.FailedPath, "notes.svs.reason.txt"));
        Assert.Contains("notes.svs", reason);
        Assert.Equal(EventKinds.SlideFailed, Assert.Single(journal.PeekOutbox("test", 10)).Kind);
    }

    [Fact]
    public void The_same_content_under_another_name_is_not_queued_again_and_leaves_the_inbox()
    {
        intake.Accept(Drop("CMU-1-Small-Region.svs"));
        var copy = Drop("CMU-1-Small-Region.svs", "copy.svs");
        intake.Accept(copy);

        var slide = Assert.Single(journal.List());
        var events = journal.PeekOutbox("test", 10);
        Assert.Equal([EventKinds.SlideAccepted, EventKinds.SlideDuplicate], events.Select(e => e.Kind));

        // An LIS learns that the second name is the same slide: which slide, the new name and the first one.
        var duplicate = events[1];
        Assert.Equal((slide.Id, "copy.svs", "CMU-1-Small-Region.svs", "pending"), (duplicate.Subject, duplicate.Data["file"]!.GetValue<string>(), duplicate.Data["firstFile"]!.GetValue<string>(), duplicate.Data["state"]!.GetValue<string>()));
        Assert.False(File.Exists(copy));
        Assert.True(File.Exists(Path.Combine(inbox.DonePath, "copy.svs")));
    }

    [Fact]
    public void The_same_file_seen_again_after_a_restart_is_not_reported_as_a_duplicate_but_a_copy_is()
    {
        var path = Drop("CMU-1-Small-Region.svs");
        intake.Accept(path);
        intake.Accept(path); // what the watcher's first scan after a restart does with a file still pending

        Assert.Single(journal.List());
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("again", StringComparison.Ordinal));
        Assert.True(File.Exists(path));

        intake.Accept(Drop("CMU-1-Small-Region.svs", "copy.svs"));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("copy.svs is slide", StringComparison.Ordinal) && e.Message.Contains("again", StringComparison.Ordinal));
    }

    private string Drop(string slide, string? name = null)
    {
        var target = Path.Combine(inbox.Path, name ?? slide);
        File.Copy(TestData.Slide(slide), target);
        return target;
    }

    private sealed class Forwarding(ILogger inner) : ILogger<SlideIntake>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
