using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EdgeRuntime.Journal.Tests;

// The journal is split by job (slide queue, outbox, statistics, schema, runs), each over one SQLite file; a consumer
// depends on the face it uses. What must survive the split: a state change and its events are one transaction.
public sealed class JournalFacesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_state_change_whose_events_cannot_be_queued_is_not_made()
    {
        using var journal = new SlideJournal(temp.File("state/journal.db"));
        ISlideQueue slides = journal.Slides;
        IOutbox outbox = journal.Outbox;
        slides.Discover("aaa", "/inbox/a.svs", 10, [SlideEvents.Accepted("aaa", "/inbox/a.svs")]);
        slides.TakeNext(r => [SlideEvents.Started(r.Id, r.Path, r.Attempts)]);
        var queued = outbox.OutboxLength();

        // The second event fails while it is being written, after the state change and the first event.
        Assert.Throws<InvalidOperationException>(() => slides.MarkDone("aaa", EventsThatFailAfterOne("aaa")));

        Assert.Equal(SlideState.Processing, slides.Get("aaa")!.State);
        Assert.Equal(queued, outbox.OutboxLength());
    }

    [Fact]
    public void Each_face_sees_what_the_others_wrote_in_the_same_file()
    {
        using var journal = new SlideJournal(temp.File("state/journal.db"));
        journal.Slides.Discover("aaa", "/inbox/a.svs", 10, [SlideEvents.Accepted("aaa", "/inbox/a.svs")]);
        journal.Slides.Discover("bbb", "/inbox/b.svs", 10, []);
        journal.Slides.TakeNext(_ => []);
        journal.Slides.MarkFailed("aaa", "unreadable", [SlideEvents.Failed("aaa", "/inbox/a.svs", "unreadable")]);

        var counts = journal.Statistics.Counts();
        Assert.Equal((1, 1, 0, 0), (counts[SlideState.Failed], counts[SlideState.Pending], counts[SlideState.Processing], counts[SlideState.Done]));
        Assert.Equal(["slide.accepted", "slide.failed"], journal.Outbox.PeekOutbox("mqtt", 10).Select(e => e.Kind));
        Assert.Equal(0, journal.Statistics.Retries());
    }

    [Fact]
    public void The_container_hands_every_face_of_one_journal()
    {
        var services = new ServiceCollection();
        services.AddSlideJournal(temp.File("state/journal.db"));
        services.AddSlideJournal(temp.File("elsewhere/journal.db")); // a second component asking adds nothing
        using var provider = services.BuildServiceProvider();

        var journal = provider.GetRequiredService<SlideJournal>();
        Assert.Same(journal, provider.GetRequiredService<ISlideQueue>());
        Assert.Same(journal, provider.GetRequiredService<IOutbox>());
        Assert.Same(journal, provider.GetRequiredService<IJournalStatistics>());
        Assert.Equal(Path.GetFullPath(temp.File("state/journal.db")), journal.DatabasePath);
        Assert.False(Directory.Exists(temp.File("elsewhere")));
    }

    private static IEnumerable<JournalEvent> EventsThatFailAfterOne(string id)
    {
        yield return SlideEvents.Done(id, "/inbox/a.svs", new System.Text.Json.Nodes.JsonObject());
        throw new InvalidOperationException("the second event could not be made");
    }
}
