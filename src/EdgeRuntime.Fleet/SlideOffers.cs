using System.Text.Json.Nodes;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Fleet;
using EdgeRuntime.Journal.Signals;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeRuntime.Fleet;

/// <summary>
/// The owner's side of work sharing: with more than <see cref="FleetOptions.OfferThreshold"/> slides pending, it
/// takes the oldest out of its own queue and offers it to the group, one offer at a time, while some other box says
/// it is idle; the first claim gets the lease; renewals keep it; a result closes it once (the ledger's
/// compare-and-set), and the slide is done in this box's journal, with who processed it, and published from here; a
/// lease that runs out, a decline, a give-back or an offer nobody claims puts the slide back to pending here.
/// Called from the fleet loop only, so it needs no lock.
/// </summary>
internal sealed class SlideOffers(
    FleetOptions options,
    FleetTopics topics,
    SlideJournal journal,
    FleetLedger ledger,
    IFinishedSlides files,
    PendingSlidesSignal pending,
    OutboxSignal outbox,
    ILogger logger)
{
    private const string NoClaim = "no box claimed it in time";
    private OpenOffer? open;
    private DateTimeOffset nextOfferAt = DateTimeOffset.MinValue;
    private bool notShared;

    /// <summary>Slides this box has handed to another box that processed them, since start.</summary>
    public int SharedDone { get; private set; }

    /// <summary>The offer waiting for a claim, if any.</summary>
    public string? OpenSlide => open?.SlideId;

    /// <summary>Offers and leases of the run before are void: the journal requeued their slides at start.</summary>
    public void Start()
    {
        var abandoned = ledger.AbandonOpen();
        if (abandoned > 0)
        {
            FleetLog.Abandoned(logger, abandoned);
        }
    }

    /// <summary>Expiries, an unclaimed offer, and a new offer where one is due.</summary>
    public async Task TickAsync(IMqttClient client, int pendingHere, bool someoneIdle, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var lease in ledger.Expire(now))
        {
            FleetLog.LeaseExpired(logger, lease.Holder, lease.SlideId);
            BackToPending(lease.SlideId, $"box {lease.Holder} stopped renewing its lease on the slide; pending here again");
        }

        if (open is not null && now >= open.Deadline)
        {
            if (ledger.Withdraw(open.OfferId, "no box claimed it"))
            {
                FleetLog.Kept(logger, open.SlideId, NoClaim);
                BackToPending(open.SlideId, reason: null);
            }

            open = null;
        }

        if (open is not null || notShared || now < nextOfferAt || pendingHere <= options.OfferThreshold || !someoneIdle)
        {
            return;
        }

        // Taken out of this box's queue like a slide it processes (so its own processor cannot take it too), but
        // announced to nobody: its state stays pending for subscribers until a result or a reason comes.
        var record = journal.TakeNext(_ => []);
        if (record is null)
        {
            return;
        }

        var root = Path.TrimEndingDirectorySeparator(options.SharedRoot!) + Path.DirectorySeparatorChar;
        if (!record.Path.StartsWith(root, StringComparison.Ordinal))
        {
            notShared = true;
            FleetLog.NotShared(logger, record.Id, record.Path, FleetOptions.Section, options.SharedRoot!);
            BackToPending(record.Id, reason: null);
            return;
        }

        var offerId = Guid.NewGuid().ToString("N");
        ledger.Offered(offerId, record.Id);
        open = new OpenOffer(offerId, record.Id, now + TimeSpan.FromSeconds(options.ClaimTimeoutSeconds));
        await client.PublishAsync(FleetMessage.Build(topics.Offers, "offer", offerId, topics.Node, new JsonObject
        {
            ["owner"] = topics.Node,
            ["slideId"] = record.Id,
            ["path"] = record.Path[root.Length..].Replace(Path.DirectorySeparatorChar, '/'),
            ["size"] = record.Size,
            ["fileName"] = Path.GetFileName(record.Path),
            ["leaseSeconds"] = options.LeaseSeconds,
        }), cancellationToken).ConfigureAwait(false);
        FleetLog.Offered(logger, record.Id, record.Path, offerId);
    }

    /// <summary>A message from a taker about one of this box's offers.</summary>
    public async Task HandleAsync(IMqttClient client, FleetMessage message, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        switch (message.Type)
        {
            case "claim":
                if (open?.OfferId == message.Offer && ledger.Lease(message.Offer, message.From, now + TimeSpan.FromSeconds(options.LeaseSeconds)))
                {
                    var slideId = open.SlideId;
                    open = null;
                    await client.PublishAsync(FleetMessage.Build(topics.Work(message.From), "grant", message.Offer, topics.Node, new JsonObject { ["slideId"] = slideId, ["leaseSeconds"] = options.LeaseSeconds }), cancellationToken).ConfigureAwait(false);
                    FleetLog.Leased(logger, slideId, message.From, options.LeaseSeconds, message.Offer);
                }
                else
                {
                    await client.PublishAsync(FleetMessage.Build(topics.Work(message.From), "refuse", message.Offer, topics.Node, new JsonObject { ["reason"] = "the offer is no longer open" }), cancellationToken).ConfigureAwait(false);
                    FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, "the offer is no longer open");
                }

                break;
            case "decline":
                if (open?.OfferId == message.Offer)
                {
                    if (ledger.Withdraw(message.Offer, $"declined by box {message.From}"))
                    {
                        var declined = $"box {message.From} declined it";
                        FleetLog.Kept(logger, open.SlideId, declined);
                        BackToPending(open.SlideId, reason: null);
                    }

                    open = null;
                    nextOfferAt = now + TimeSpan.FromSeconds(options.ClaimTimeoutSeconds);
                }

                break;
            case "renew":
                if (!ledger.Renew(message.Offer, message.From, now + TimeSpan.FromSeconds(options.LeaseSeconds)))
                {
                    await client.PublishAsync(FleetMessage.Build(topics.Work(message.From), "lost", message.Offer, topics.Node, new JsonObject { ["reason"] = "the lease expired or this box restarted; the slide went back to its queue" }), cancellationToken).ConfigureAwait(false);
                    FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, "no lease held");
                }

                break;
            case "done" or "failed" or "return":
                Finish(message);
                break;
        }
    }

    private void Finish(FleetMessage message)
    {
        // The slide is the one this box leased through the offer, never what the message says: a taker could
        // otherwise close its own lease with another slide's result, or with a result for a slide that is not its.
        var slideId = ledger.LeasedSlide(message.Offer, message.From);
        if (slideId is null)
        {
            FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, "no lease held (expired, already finished, or the run before)");
            return;
        }

        var type = message.Type;
        var reason = message.Text("reason") is { } said ? OfferTerms.Shown(said, OfferTerms.ReasonLength) : null;
        if (type == "done" && ResultRefusal(message, slideId) is { } wrong)
        {
            FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, wrong);
            (type, reason) = ("return", "its result was not accepted: " + wrong);
        }

        var state = type switch { "done" => "done", "failed" => "failed", _ => "returned" };

        // Once: a result after the lease expired, after a restart here, or a second copy of the same result is not accepted.
        if (!ledger.Close(message.Offer, message.From, state, reason))
        {
            FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, "no lease held (expired, already finished, or the run before)");
            return;
        }

        var record = journal.Get(slideId);
        if (record is null)
        {
            var unknown = $"slide {slideId} is not in this box's journal";
            FleetLog.NotAccepted(logger, message.Type, message.From, message.Offer, unknown);
            return;
        }

        switch (type)
        {
            case "done" when message.Body["result"] is JsonObject result:
                var document = (JsonObject)result.DeepClone();
                document["fleet"] = new JsonObject { ["owner"] = topics.Node, ["processedBy"] = message.From, ["offer"] = message.Offer };
                var destination = files.DoneDestination(record.Path);
                journal.MarkDone(record.Id, [SlideEvents.Done(record.Id, record.Path, document)]);
                SharedDone++;
                FleetLog.Finished(logger, record.Id, message.From, "done");
                Move(record.Id, () => files.Done(record.Path, destination));
                break;
            case "failed":
                var why = $"{reason ?? "failed"} (processed by box {message.From})";
                journal.MarkFailed(record.Id, why, [SlideEvents.Failed(record.Id, record.Path, why)]);
                var failed = "failed: " + why;
                FleetLog.Finished(logger, record.Id, message.From, failed);
                Move(record.Id, () => files.Failed(record.Path, why));
                break;
            default:
                var givenBack = "given back: " + (reason ?? "no reason given");
                FleetLog.Finished(logger, record.Id, message.From, givenBack);
                BackToPending(record.Id, $"box {message.From} gave the slide back ({reason ?? "no reason given"}); pending here again");
                break;
        }

        outbox.Set();
    }

    // A result is accepted only as a result document of the leased slide: anything else would be filed by the LIS
    // against that slide's case.
    private static string? ResultRefusal(FleetMessage message, string slideId)
    {
        if (message.Body["result"] is not JsonObject result)
        {
            return "it carries no result document";
        }

        var named = result["slideId"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        return named == slideId ? null : $"its result is for slide '{OfferTerms.Shown(named)}', the lease for slide {slideId}";
    }

    private void BackToPending(string slideId, string? reason)
    {
        try
        {
            var path = journal.Get(slideId)?.Path ?? slideId;
            journal.Requeue(slideId, reason is null ? [] : [SlideEvents.Requeued(slideId, path, reason)]);
        }
        catch (InvalidOperationException)
        {
            // No longer processing here (finished meanwhile): nothing to put back.
        }

        pending.Set();
        outbox.Set();
    }

    private void Move(string slideId, Func<string> move)
    {
        try
        {
            journal.Moved(slideId, move());
        }
        catch (IOException)
        {
            // The journal has the outcome; a file that could not be moved stays where it is.
        }
    }

    private sealed record OpenOffer(string OfferId, string SlideId, DateTimeOffset Deadline);
}
