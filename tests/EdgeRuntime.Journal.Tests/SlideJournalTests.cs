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

    [Fact]
    public void A_journal_file_deleted_under_it_refuses_every_write_naming_the_file()
    {
        var journal = Open();
        journal.Discover("aaa", "/inbox/a.svs", 10, []);
        foreach (var file in Directory.GetFiles(temp.File("state"), "journal.db*"))
        {
            File.Delete(file); // rm state/journal.db*
        }

        // SQLite alone would go on writing into the deleted file, and the history would be gone at the next start.
        var e = Assert.Throws<JournalLostException>(() => journal.Discover("bbb", "/inbox/b.svs", 10, []));
        Assert.Contains(temp.File("state/journal.db"), e.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", e.Message, StringComparison.Ordinal);
        Assert.Throws<JournalLostException>(journal.CheckIdentity);
    }

    [Fact]
    public void A_journal_file_replaced_under_it_is_noticed_too()
    {
        var journal = Open();
        var other = new SlideJournal(temp.File("other/journal.db"));
        other.Discover("zzz", "/elsewhere/z.svs", 10, []);
        File.Copy(temp.File("other/journal.db"), temp.File("state/journal.db.new"));
        File.Move(temp.File("state/journal.db.new"), temp.File("state/journal.db"), overwrite: true);

        Assert.Contains("replaced", Assert.Throws<JournalLostException>(() => journal.List()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emptied")]
    [InlineData("overwritten")]
    public void A_journal_file_emptied_or_overwritten_in_place_is_noticed_before_anything_more_is_written(string how)
    {
        var journal = Open();
        journal.Discover("aaa", "/inbox/a.svs", 10, []);
        var path = temp.File("state/journal.db");
        using (var same = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            // The same inode: `truncate -s 0 journal.db`, or bytes copied over it (`cp other journal.db`).
            same.SetLength(0);
            if (how == "overwritten")
            {
                same.Write(System.Text.Encoding.ASCII.GetBytes(new string('x', 8192)));
            }
        }

        // Without the check SQLite goes on from its log and cache, and the slides' history is gone at the next checkpoint.
        var e = Assert.Throws<JournalLostException>(() => journal.Discover("bbb", "/inbox/b.svs", 10, []));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("emptied or overwritten in place", e.Message, StringComparison.Ordinal);
        Assert.Throws<JournalLostException>(journal.CheckIdentity);
    }

    [Fact]
    public void After_a_run_never_marked_stopped_the_next_start_says_unclean_and_records_each_interrupted_slide()
    {
        var killed = Open();
        Assert.False(killed.StartRun().AfterUncleanStop); // the first run of a journal
        killed.Discover("aaa", "/inbox/a.svs", 10, []);
        killed.TakeNext(_ => []);
        killed.Dispose(); // the process dies: the run lock goes, the run is not marked stopped

        var next = Open();
        next.UseSinks(["test"]);
        var start = next.StartRun();
        Assert.True(start.AfterUncleanStop);
        Assert.Equal(["aaa"], start.Interrupted);
        Assert.Same(start, next.StartRun()); // once per process
        Assert.Equal(SlideState.Pending, next.Get("aaa")!.State);
        var e = Assert.Single(next.PeekOutbox("test", 10));
        Assert.Equal((EventKinds.SlideInterrupted, "aaa", 1), (e.Kind, e.Subject, e.Data["attempt"]!.GetValue<int>()));
        Assert.Contains("uncleanly", e.Data["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        next.Dispose();
    }

    [Fact]
    public void After_a_clean_stop_the_next_start_is_not_unclean()
    {
        var first = Open();
        first.StartRun();
        first.EndRun();
        first.Dispose();

        var second = Open();
        var start = second.StartRun();
        Assert.NotNull(start.Before);
        Assert.False(start.AfterUncleanStop);
        Assert.Empty(start.Interrupted);
        second.Dispose();
    }

    [Fact]
    public void A_second_service_on_the_same_journal_is_refused_and_status_can_tell_one_runs()
    {
        var path = temp.File("state/journal.db");
        var running = Open();
        Assert.False(SlideJournal.IsServiceRunning(path));
        running.StartRun();
        Assert.True(SlideJournal.IsServiceRunning(path));

        var second = Open();
        Assert.Contains("another edgert service", Assert.Throws<IOException>(second.StartRun).Message, StringComparison.Ordinal);

        running.Dispose(); // killed: the kernel lets go of the lock
        Assert.False(SlideJournal.IsServiceRunning(path));
    }

    [Fact]
    public void Where_a_finished_slide_went_is_kept_beside_where_it_was_found()
    {
        var journal = Open();
        journal.Discover("aaa", "/inbox/a.svs", 10, []);
        Assert.Null(journal.Get("aaa")!.Location);
        journal.Moved("aaa", "/inbox/done/a.svs");
        Assert.Equal(("/inbox/a.svs", "/inbox/done/a.svs"), (journal.Get("aaa")!.Path, journal.Get("aaa")!.Location));
        Assert.Equal("/inbox/done/a.svs", Open().List().Single().Location); // reopened: kept
    }
}
