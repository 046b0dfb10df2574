using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Slides;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeRuntime.Fleet;

/// <summary>
/// The taker's side of work sharing: an idle box claims the offer the shared subscription brings it (a busy one
/// declines, so the owner need not wait), processes the granted slide from shared storage through the same
/// <see cref="ResultCommitter"/> as its own slides, renews its lease every third of it, and sends the owner the result
/// (or the reason it failed, or gives it back when the failure was not the slide's). One slide at a time; called from
/// the fleet loop only, so it needs no lock.
/// </summary>
internal sealed class RemoteSlides(FleetOptions options, FleetTopics topics, ResultCommitter processor, ILogger logger)
{
    private Claim? claim;
    private Job? job;

    /// <summary>Slides of other boxes processed here since start.</summary>
    public int Processed { get; private set; }

    /// <summary>Whether a claim or a slide of another box is in hand.</summary>
    public bool Busy => claim is not null || job is not null;

    /// <summary>The slide of another box being processed here: (slide, owner).</summary>
    public (string SlideId, string Owner)? Current => job is null ? null : (job.SlideId, job.Owner);

    /// <summary>An offer from the shared subscription.</summary>
    public async Task OfferAsync(IMqttClient client, FleetMessage offer, bool idle, CancellationToken cancellationToken)
    {
        var (terms, refusal) = OfferTerms.Read(offer);
        if (terms is null)
        {
            // Declined where the owner can be told; an owner that is no topic level is told nothing.
            var owner = offer.Text("owner") ?? offer.From;
            FleetLog.OfferRefused(logger, OfferTerms.Shown(owner), refusal!);
            if (OfferTerms.IsNodeId(owner) && OfferTerms.IsToken(offer.Offer))
            {
                await client.PublishAsync(FleetMessage.Build(topics.Work(owner), "decline", offer.Offer, topics.Node, new JsonObject { ["reason"] = "the offer was refused: " + refusal }), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (!idle || Busy || terms.Owner == topics.Node)
        {
            await client.PublishAsync(FleetMessage.Build(topics.Work(terms.Owner), "decline", terms.OfferId, topics.Node), cancellationToken).ConfigureAwait(false);
            return;
        }

        claim = new Claim(terms, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.ClaimTimeoutSeconds * 2));
        await client.PublishAsync(FleetMessage.Build(topics.Work(terms.Owner), "claim", terms.OfferId, topics.Node), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A message from an owner: grant, refuse, lost.</summary>
    public void Handle(FleetMessage message, ChannelWriter<FleetInput> inputs, CancellationToken stoppingToken)
    {
        switch (message.Type)
        {
            case "grant" when claim?.Terms.OfferId == message.Offer && message.From == claim.Terms.Owner:
                Start(claim, inputs, stoppingToken);
                claim = null;
                break;
            case "refuse" when claim?.Terms.OfferId == message.Offer && message.From == claim.Terms.Owner:
                claim = null;
                break;
            case "lost" when job?.OfferId == message.Offer && message.From == job.Owner:
                // Someone else has the slide by now: stop, and send nothing back that could count twice.
                job.Lost = true;
                job.Cancel.Cancel();
                break;
        }
    }

    /// <summary>Renewals and a claim nobody answered.</summary>
    public async Task TickAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (claim is not null && now >= claim.Deadline)
        {
            claim = null;
        }

        if (job is not null && now >= job.NextRenewal)
        {
            job.NextRenewal = now + TimeSpan.FromSeconds(options.LeaseSeconds / 3);
            await client.PublishAsync(FleetMessage.Build(topics.Work(job.Owner), "renew", job.OfferId, topics.Node), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The slide's run ended: tell the owner (unless the lease was lost).</summary>
    public async Task EndedAsync(IMqttClient client, JobEnded ended, CancellationToken cancellationToken)
    {
        if (job is null || job.OfferId != ended.OfferId)
        {
            return;
        }

        var lost = job.Lost;
        var owner = job.Owner;
        job.Cancel.Dispose();
        job = null;
        FleetLog.Took(logger, ended.SlideId, owner, lost ? "lease lost; nothing sent" : ended.Type + (ended.Reason is null ? string.Empty : ": " + ended.Reason));
        if (lost)
        {
            return;
        }

        if (ended.Type == "done")
        {
            Processed++;
        }

        var fields = new JsonObject { ["slideId"] = ended.SlideId };
        if (ended.Result is not null)
        {
            fields["result"] = ended.Result;
        }

        if (ended.Reason is not null)
        {
            fields["reason"] = ended.Reason;
        }

        await client.PublishAsync(FleetMessage.Build(topics.Work(owner), ended.Type, ended.OfferId, topics.Node, fields), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>At a stop: the slide in hand is given back (its owner also takes it back when the lease runs out).</summary>
    public void Stop() => job?.Cancel.Cancel();

    private void Start(Claim granted, ChannelWriter<FleetInput> inputs, CancellationToken stoppingToken)
    {
        var terms = granted.Terms;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        job = new Job(terms.OfferId, terms.SlideId, terms.Owner, cancel) { NextRenewal = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.LeaseSeconds / 3) };
        var (path, refusal) = SharedSlideFile.Find(options.SharedRoot!, terms.Path, terms.Size);
        FleetLog.Taking(logger, terms.SlideId, terms.Owner, path ?? "(no path)");
        _ = Task.Run(async () => inputs.TryWrite(await RunAsync(terms.OfferId, terms.SlideId, path, refusal, cancel.Token).ConfigureAwait(false)), CancellationToken.None);
    }

    private async Task<JobEnded> RunAsync(string offerId, string slideId, string? path, string? refusal, CancellationToken cancellationToken)
    {
        // The file must be the one offered (a regular file, its size) where this box mounts the shared storage.
        if (path is null)
        {
            return new JobEnded(offerId, slideId, "return", null, refusal);
        }

        try
        {
            var result = await processor.ProcessAsync(slideId, path, (IProgress<EncodingProgress>?)null, cancellationToken).ConfigureAwait(false);
            return new JobEnded(offerId, slideId, "done", result.Document, null);
        }
        catch (OperationCanceledException)
        {
            return new JobEnded(offerId, slideId, "return", null, "the box stopped");
        }
        catch (Exception e) when (e is SlideException or InvalidDataException)
        {
            return new JobEnded(offerId, slideId, "failed", null, e.Message);
        }
        catch (Exception e)
        {
            // This box's trouble (its results store, its mount), not the slide's: another box may do it.
            return new JobEnded(offerId, slideId, "return", null, e.Message);
        }
    }

    private sealed record Claim(OfferTerms Terms, DateTimeOffset Deadline);

    private sealed class Job(string offerId, string slideId, string owner, CancellationTokenSource cancel)
    {
        public string OfferId { get; } = offerId;

        public string SlideId { get; } = slideId;

        public string Owner { get; } = owner;

        public CancellationTokenSource Cancel { get; } = cancel;

        public DateTimeOffset NextRenewal { get; set; }

        public bool Lost { get; set; }
    }
}

/// <summary>What reaches the fleet loop: a message, or the end of a slide processed here for another box.</summary>
internal abstract record FleetInput;

/// <summary>A message received on <paramref name="Topic"/>.</summary>
internal sealed record Received(string Topic, FleetMessage? Message, JsonObject? Document) : FleetInput;

/// <summary>A slide of another box ended here: <c>done</c> with its result, <c>failed</c> or <c>return</c> with a reason.</summary>
internal sealed record JobEnded(string OfferId, string SlideId, string Type, JsonObject? Result, string? Reason) : FleetInput;
