using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace EdgeRuntime.Journal.Tests;

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
    public void State_changes_and_their_events_are_kept_together_in_order_until_delivered()
    {
        var journal = Open();
        journal.UseSinks(["mqtt"]);
        journal.Discover("aaa", "/inbox/a.svs", 10, [SlideEvents.Accepted("aaa", "/inbox/a.svs")]);
        journal.TakeNext(r => [SlideEvents.Started(r.Id, r.Path, r.Attempts)]);
        journal.MarkFailed("aaa", "/inbox/a.svs: broken", [SlideEvents.Failed("aaa", "/inbox/a.svs", "/inbox/a.svs: broken")]);

        var reopened = Open();
        var outbox = reopened.PeekOutbox("mqtt", 10);
        Assert.Equal([EventKinds.SlideAccepted, EventKinds.SlideStarted, EventKinds.SlideFailed], outbox.Select(e => e.Kind));
        Assert.All(outbox, e => Assert.Equal("aaa", e.Subject));
        Assert.All(outbox, e => Assert.Equal("a.svs", e.Data["file"]!.GetValue<string>()));
        Assert.Equal(1, outbox[1].Data["attempt"]!.GetValue<int>());
        Assert.Equal("/inbox/a.svs: broken", outbox[2].Data["reason"]!.GetValue<string>());
        Assert.Equal(outbox.Select(m => m.Sequence).Order(), outbox.Select(m => m.Sequence));

        reopened.Acknowledge("mqtt", outbox[0].Sequence);
        Assert.Equal(2, reopened.OutboxLength());
        Assert.Equal(SlideState.Failed, reopened.Get("aaa")!.State);
        Assert.Equal("/inbox/a.svs: broken", reopened.Get("aaa")!.Reason);
    }

    [Fact]
    public void Each_sink_drains_at_its_own_pace_and_an_event_is_forgotten_only_when_every_sink_has_it()
    {
        var journal = Open();
        journal.UseSinks(["mqtt", "fhir"]);
        journal.Enqueue([SlideEvents.Accepted("a", "/a.svs"), SlideEvents.Accepted("b", "/b.svs")]);
        var mqtt = journal.PeekOutbox("mqtt", 10);
        journal.Acknowledge("mqtt", mqtt[1].Sequence);

        Assert.Empty(journal.PeekOutbox("mqtt", 10));
        Assert.Equal(2, journal.PeekOutbox("fhir", 10).Count); // the slower sink still has both
        Assert.Equal(2, journal.OutboxLength());

        journal.Acknowledge("fhir", mqtt[0].Sequence);
        Assert.Equal(1, journal.OutboxLength());

        // A sink taken out of use no longer holds events back.
        journal.UseSinks(["mqtt"]);
        Assert.Equal(0, journal.OutboxLength());
    }

    [Fact]
    public async Task Draining_stops_at_the_first_refusal_and_resumes_there()
    {
        var journal = Open();
        journal.UseSinks(["test"]);
        journal.Enqueue([SlideEvents.Accepted("a", "/a.svs"), SlideEvents.Accepted("b", "/b.svs"), SlideEvents.Accepted("c", "/c.svs")]);
        var sink = new RefusingSink("b");
        Assert.Equal(1, await OutboxDrain.DrainAsync(journal, sink, CancellationToken.None));
        Assert.Equal(["a", "b"], sink.Tried);

        sink.Refuse = null;
        Assert.Equal(2, await OutboxDrain.DrainAsync(journal, sink, CancellationToken.None));
        Assert.Equal(["a", "b", "b", "c"], sink.Tried);
        Assert.Equal(0, journal.OutboxLength());
    }

    [Fact]
    public void Messages_queued_by_a_journal_from_before_events_survive_the_upgrade_in_order()
    {
        // The schema of the previous release, written by hand: an outbox of MQTT messages.
        var path = temp.File("state/journal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload TEXT NOT NULL, retain INTEGER NOT NULL, correlation TEXT NOT NULL);
                INSERT INTO outbox (topic, payload, retain, correlation) VALUES ('slides/aaa/state', '{"state":"done"}', 1, 'aaa');
                INSERT INTO outbox (topic, payload, retain, correlation) VALUES ('slides/aaa/result', '{"slideId":"aaa"}', 0, 'aaa');
                """;
            command.ExecuteNonQuery();
        }

        var journal = Open();
        var events = journal.PeekOutbox("mqtt", 10);
        Assert.Equal([EventKinds.LegacyMqtt, EventKinds.LegacyMqtt], events.Select(e => e.Kind));
        Assert.Equal(["slides/aaa/state", "slides/aaa/result"], events.Select(e => e.Data["topic"]!.GetValue<string>()));
        Assert.True(events[0].Data["retain"]!.GetValue<bool>());
        Assert.Equal("{\"slideId\":\"aaa\"}", events[1].Data["payload"]!.GetValue<string>());
        Assert.Single(Open().PeekOutbox("mqtt", 10), e => e.Data["topic"]!.GetValue<string>() == "slides/aaa/result"); // migrated once
    }

    [Fact]
    public void Finishing_an_unknown_slide_is_an_error_and_queues_nothing()
    {
        var journal = Open();
        Assert.Throws<InvalidOperationException>(() => journal.MarkDone("nope", [SlideEvents.Done("nope", "x", [])]));
        Assert.Equal(0, journal.OutboxLength());
    }

    private sealed class RefusingSink(string? refuse) : IEventSink
    {
        public string? Refuse { get; set; } = refuse;

        public List<string> Tried { get; } = [];

        public string Name => "test";

        public ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
        {
            Tried.Add(journalEvent.Subject);
            return ValueTask.FromResult(journalEvent.Subject != Refuse);
        }
    }
}
