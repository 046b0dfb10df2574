using System.Text.Json.Nodes;
using EdgeRuntime.Fleet;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Fleet;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Another box's fleet message is input like any other. An offer whose owner is no topic level, whose slide id is a
/// path, or whose fields are missing is refused with the reason before anything uses it (the slide id names the
/// results folder the taker writes and replaces; the owner names the topic the claim goes to). A result is filed
/// against the slide its sender leased, never the one the message names. Real journal and ledger (SQLite).
/// </summary>
public sealed class FleetHostileMessageTests : IDisposable
{
    private const string SlideA = "aaaaaaaaaaaaaaaaaaaa";
    private const string SlideB = "bbbbbbbbbbbbbbbbbbbb";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("owner", "box1/#", "its owner 'box1/#' is not a node id")]
    [InlineData("owner", "box1/../x", "is not a node id")]
    [InlineData("owner", "fleet", "is not a node id")]
    [InlineData("slideId", "../../state", "its slideId '../../state' is not a slide's content id")]
    [InlineData("slideId", "/etc", "is not a slide's content id")]
    [InlineData("slideId", "aaaaaaaaaaaaaaaaaaaa\n", "is not a slide's content id")]
    [InlineData("slideId", "AAAAAAAAAAAAAAAAAAAA", "is not a slide's content id")]
    [InlineData("path", "", "its path '' is empty")]
    [InlineData("path", "box1/a\0.svs", "holds a NUL")]
    [InlineData("size", "-1", "its size is not a whole number of bytes")]
    [InlineData("size", "\"12\"", "its size is not a whole number of bytes")]
    public void A_hostile_offer_is_refused_with_the_field_and_why(string field, string value, string reason)
    {
        var body = GoodOffer();
        body[field] = field == "size" ? JsonNode.Parse(value) : value;
        var (terms, refusal) = OfferTerms.Read(Message("offer", "0123456789abcdef", "box1", body));
        Assert.Null(terms);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offer_id_that_is_not_a_short_token_is_refused_and_a_long_one_is_not_repeated_whole()
    {
        var (terms, refusal) = OfferTerms.Read(Message("offer", "x/" + new string('9', 5000), "box1", GoodOffer()));
        Assert.Null(terms);
        Assert.Contains("offer id", refusal, StringComparison.Ordinal);
        Assert.True(refusal!.Length < 300, refusal);
    }

    [Fact]
    public void A_well_formed_offer_gives_its_terms()
    {
        var (terms, refusal) = OfferTerms.Read(Message("offer", "0123456789abcdef", "box1", GoodOffer()));
        Assert.Null(refusal);
        Assert.Equal(new OfferTerms("0123456789abcdef", "box1", SlideA, "box1/inbox/a.svs", 1234, "a.svs"), terms);
    }

    [Fact]
    public async Task A_result_naming_another_slide_closes_nothing_but_the_senders_lease_and_the_leased_slide_waits_again()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        var (offers, leased, other) = Offered(journal, ledger);

        // box2 holds the lease on one slide and sends a result, for the other slide, under that lease.
        var result = new JsonObject { ["slideId"] = other, ["outcome"] = "done", ["tags"] = "forged" };
        await offers.HandleAsync(Unconnected(), Message("done", "o1", "box2", new JsonObject { ["slideId"] = other, ["result"] = result }), CancellationToken.None);

        Assert.Equal(SlideState.Pending, journal.Get(other)!.State); // never filed against the slide the message named
        Assert.Equal(SlideState.Pending, journal.Get(leased)!.State); // the leased slide goes back to its queue
        Assert.Null(ledger.ProcessedBy(other));
        Assert.Null(ledger.ProcessedBy(leased));
        Assert.DoesNotContain(journal.PeekOutbox("probe", 100), e => e.Kind == Journal.Events.EventKinds.SlideDone);
    }

    [Fact]
    public async Task A_result_of_the_leased_slide_is_filed_against_it_with_who_processed_it()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        var (offers, leased, other) = Offered(journal, ledger);

        // The message's own slideId field says the other slide; only the lease counts.
        await offers.HandleAsync(Unconnected(), Message("done", "o1", "box2", new JsonObject { ["slideId"] = other, ["result"] = new JsonObject { ["slideId"] = leased, ["outcome"] = "done" } }), CancellationToken.None);

        Assert.Equal(SlideState.Done, journal.Get(leased)!.State);
        Assert.Equal(SlideState.Pending, journal.Get(other)!.State);
        Assert.Equal("box2", ledger.ProcessedBy(leased));
        var done = Assert.Single(journal.PeekOutbox("probe", 100), e => e.Kind == Journal.Events.EventKinds.SlideDone);
        Assert.Equal(leased, done.Subject);
        Assert.Equal("box2", done.Data["result"]!["fleet"]!["processedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_result_from_a_box_that_holds_no_lease_is_not_accepted()
    {
        using var journal = new SlideJournal(temp.File("journal.db"));
        var ledger = new FleetLedger(journal);
        var (offers, leased, _) = Offered(journal, ledger);

        await offers.HandleAsync(Unconnected(), Message("done", "o1", "box3", new JsonObject { ["result"] = new JsonObject { ["slideId"] = leased } }), CancellationToken.None);

        Assert.Equal(SlideState.Processing, journal.Get(leased)!.State); // still box2's
        Assert.Null(ledger.ProcessedBy(leased));
    }

    [Fact]
    public void The_fleet_view_carries_only_the_fields_of_a_state_each_short_never_a_boxs_extra_bulk()
    {
        var fleet = new FleetOptions { Enabled = true, SharedRoot = temp.Path };
        var view = new FleetView(fleet, new FleetTopics(new MqttOptions { NodeId = "box1" }, fleet));
        var now = DateTimeOffset.UtcNow;
        // As the fleet loop hears it: parsed from the retained message's payload.
        view.Heard("box2", (JsonObject)JsonNode.Parse(new JsonObject
        {
            ["node"] = "box9", // the topic says who it is, not the payload
            ["at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["intervalSeconds"] = 10,
            ["idle"] = true,
            ["pending"] = 3,
            ["offering"] = new string('x', 100_000),
            ["processingFor"] = new JsonObject { ["slideId"] = SlideA, ["owner"] = "box1", ["extra"] = new string('y', 100_000) },
            ["junk"] = new JsonArray([.. Enumerable.Range(0, 10_000).Select(i => (JsonNode)i)]),
        }.ToJsonString())!);

        var aggregate = view.Aggregate(now);
        var state = aggregate["nodes"]![0]!.AsObject();
        Assert.Equal("box2", state["node"]!.GetValue<string>());
        Assert.Equal(3, state["pending"]!.GetValue<int>());
        Assert.True(state["idle"]!.GetValue<bool>());
        Assert.False(state.ContainsKey("junk"));
        Assert.Equal(SlideA, state["processingFor"]!["slideId"]!.GetValue<string>());
        Assert.True(aggregate.ToJsonString().Length < 2_000, "the view repeats a box's bulk: " + aggregate.ToJsonString().Length + " characters");
        Assert.True(view.SomeoneElseIdle(now));
    }

    private (SlideOffers Offers, string Leased, string Other) Offered(SlideJournal journal, FleetLedger ledger)
    {
        journal.UseSinks(["probe"]);
        foreach (var id in new[] { SlideA, SlideB })
        {
            var path = temp.File(id + ".svs");
            File.WriteAllBytes(path, new byte[10]);
            journal.Discover(id, path, 10, []);
        }

        var taken = journal.TakeNext(_ => [])!;
        ledger.Offered("o1", taken.Id);
        Assert.True(ledger.Lease("o1", "box2", DateTimeOffset.UtcNow.AddMinutes(5)));
        var fleet = new FleetOptions { Enabled = true, SharedRoot = temp.Path };
        var offers = new SlideOffers(fleet, new FleetTopics(new MqttOptions { NodeId = "box1" }, fleet), journal, ledger, new LeftInPlace(), new PendingSlidesSignal(), new OutboxSignal(), NullLogger.Instance);
        return (offers, taken.Id, taken.Id == SlideA ? SlideB : SlideA);
    }

    private static JsonObject GoodOffer() => new()
    {
        ["owner"] = "box1",
        ["slideId"] = SlideA,
        ["path"] = "box1/inbox/a.svs",
        ["size"] = 1234,
        ["fileName"] = "a.svs",
        ["leaseSeconds"] = 60,
    };

    private static FleetMessage Message(string type, string offer, string from, JsonObject body)
    {
        body["type"] = type;
        body["offer"] = offer;
        body["from"] = from;
        return FleetMessage.Read(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()))!;
    }

    // Results are not published by the owner's fleet loop (the outbox is): a client that is never connected is enough.
    private static IMqttClient Unconnected() => new MqttClientFactory().CreateMqttClient();

    // The inbox's "leave finished slides where they are" (Inbox:AfterProcessing Leave).
    private sealed class LeftInPlace : IFinishedSlides
    {
        public string DoneDestination(string path) => path;

        public string Done(string path, string destination) => path;

        public string Failed(string path, string reason) => path;
    }
}
