using EdgeRuntime.Ingest.Journal;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Ingest.Tests.Journal;

// A real SQLite file, reopened where a restart is the point.
public sealed class SlideJournalTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private SlideJournal Open() => new(temp.File("state/journal.db"));

    [Fact]
    public void Slides_are_taken_oldest_first_and_each_once()
    {
        var journal = Open();
        journal.Discover("aaa", "/inbox/a.svs", 10, []);
        Thread.Sleep(5);
        journal.Discover("bbb", "/inbox/b.svs", 10, []);
        Assert.Equal("aaa", journal.TakeNext(_ => [])!.Id);
        Assert.Equal("bbb", journal.TakeNext(_ => [])!.Id);
        Assert.Null(journal.TakeNext(_ => []));
    }

    [Fact]
    public void The_same_content_is_recognised_and_not_queued_twice()
    {
        var journal = Open();
        Assert.True(journal.Discover("aaa", "/inbox/a.svs", 10, []).Added);
        var (added, existing) = journal.Discover("aaa", "/inbox/copy-of-a.svs", 10, []);
        Assert.False(added);
        Assert.Equal("/inbox/a.svs", existing.Path);
        Assert.Single(journal.List());
    }

    [Fact]
    public void A_slide_in_progress_at_a_crash_is_pending_again_after_a_restart()
    {
        var before = Open();
        before.Discover("aaa", "/inbox/a.svs", 10, []);
        before.TakeNext(_ => []);
        Assert.Equal(SlideState.Processing, before.Get("aaa")!.State);

        var after = Open(); // the process died; the file is what survives
        Assert.Equal(1, after.RequeueInterrupted());
        var again = after.TakeNext(_ => [])!;
        Assert.Equal("aaa", again.Id);
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public void State_changes_and_their_messages_are_kept_together_in_order_until_acknowledged()
    {
        var journal = Open();
        journal.Discover("aaa", "/inbox/a.svs", 10, [StateMessages.State("aaa", "/inbox/a.svs", SlideState.Pending)]);
        journal.TakeNext(r => [StateMessages.State(r.Id, r.Path, SlideState.Processing)]);
        journal.MarkFailed("aaa", "/inbox/a.svs: broken", [StateMessages.State("aaa", "/inbox/a.svs", SlideState.Failed, "/inbox/a.svs: broken")]);

        var reopened = Open();
        var outbox = reopened.PeekOutbox(10);
        Assert.Equal(3, outbox.Count);
        Assert.All(outbox, m => Assert.Equal("slides/aaa/state", m.Topic));
        Assert.Equal(["\"pending\"", "\"processing\"", "\"failed\""], outbox.Select(m => m.Payload.Split("\"state\":")[1].Split(',')[0]));
        Assert.Equal(outbox.Select(m => m.Sequence).Order(), outbox.Select(m => m.Sequence));

        reopened.Acknowledge(outbox[0].Sequence);
        Assert.Equal(2, reopened.OutboxLength());
        Assert.Equal(SlideState.Failed, reopened.Get("aaa")!.State);
        Assert.Equal("/inbox/a.svs: broken", reopened.Get("aaa")!.Reason);
    }

    [Fact]
    public void Finishing_an_unknown_slide_is_an_error_and_queues_nothing()
    {
        var journal = Open();
        Assert.Throws<InvalidOperationException>(() => journal.MarkDone("nope", [StateMessages.State("nope", "x", SlideState.Done)]));
        Assert.Equal(0, journal.OutboxLength());
    }
}
