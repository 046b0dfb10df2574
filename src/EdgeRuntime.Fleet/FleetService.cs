using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeRuntime.Journal;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Fleet;

/// <summary>
/// The fleet's one loop, on the node's own MQTT connection: it subscribes to this box's work topic and the fleet's
/// states at every (re)connection, holds the shared subscription to offers only while the box is idle (so the broker
/// hands each offer to a box that can take it), and runs both sides of work sharing and the fleet view. Everything
/// that changes fleet state happens on this loop, one input at a time.
/// </summary>
internal sealed class FleetService(
    FleetOptions options,
    FleetTopics topics,
    MqttConnection connection,
    SlideJournal journal,
    SlideOffers offers,
    RemoteSlides remote,
    FleetView view,
    ILogger<FleetService> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly Channel<FleetInput> inputs = Channel.CreateBounded<FleetInput>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
    private volatile bool subscribed;
    private bool sharedSubscribed;
    private DateTimeOffset nextState = DateTimeOffset.MinValue;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        offers.Start();
        connection.Client.ConnectedAsync += _ =>
        {
            subscribed = false; // a clean start: the broker forgot this client's subscriptions
            return Task.CompletedTask;
        };
        connection.Client.ApplicationMessageReceivedAsync += OnMessageAsync;
        FleetLog.Started(logger, topics.Node, options.Group, options.SharedRoot!, options.OfferThreshold, options.LeaseSeconds);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        remote.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(Tick);
                try
                {
                    await inputs.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The tick.
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // Each input on its own: whatever one message from another box does, the next is handled and the loop goes on.
            while (inputs.Reader.TryRead(out var input))
            {
                await IsolatedAsync(input, stoppingToken).ConfigureAwait(false);
            }

            await GuardedAsync("the fleet loop", () => TickAsync(stoppingToken)).ConfigureAwait(false);
        }

        // A slide of another box in hand is given back: tell its owner now rather than at the lease's end.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await GuardedAsync("giving back a slide at stop", async () =>
        {
            while (remote.Busy && !last.IsCancellationRequested && await inputs.Reader.WaitToReadAsync(last.Token).ConfigureAwait(false))
            {
                while (inputs.Reader.TryRead(out var input))
                {
                    if (input is JobEnded ended && connection.Client.IsConnected)
                    {
                        await remote.EndedAsync(connection.Client, ended, last.Token).ConfigureAwait(false);
                    }
                }
            }
        }).ConfigureAwait(false);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var sender = topics.SenderOf(topic);
        if (topic == topics.Offers || sender is not null)
        {
            var message = FleetMessage.Read(e.ApplicationMessage.Payload.IsSingleSegment ? e.ApplicationMessage.Payload.FirstSpan : e.ApplicationMessage.Payload.ToArray());
            if (message is null)
            {
                FleetLog.Unreadable(logger, topic);
                return Task.CompletedTask;
            }

            // On a work topic the sender is the topic's last level, which the broker's ACL ties to the account; the
            // payload's own claim is not trusted.
            inputs.Writer.TryWrite(new Received(topic, sender is null ? message : message with { From = sender }, null));
        }
        else if (topics.NodeOfState(topic) is not null)
        {
            JsonObject? document = null;
            try
            {
                document = e.ApplicationMessage.Payload.IsEmpty ? null : JsonNode.Parse(e.ApplicationMessage.Payload.ToArray()) as JsonObject;
            }
            catch (JsonException)
            {
                FleetLog.Unreadable(logger, topic);
                return Task.CompletedTask;
            }

            inputs.Writer.TryWrite(new Received(topic, null, document));
        }

        return Task.CompletedTask;
    }

    private async Task IsolatedAsync(FleetInput input, CancellationToken cancellationToken)
    {
        try
        {
            await GuardedAsync("a fleet message", () => HandleAsync(input, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = input is Received { Message: { } m } ? $"a {OfferTerms.Shown(m.Type)} from box {OfferTerms.Shown(m.From)}" : input is JobEnded j ? $"the end of slide {j.SlideId}" : "a fleet state";
            FleetLog.InputFailed(logger, what, e.Message);
        }
    }

    private async Task HandleAsync(FleetInput input, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        switch (input)
        {
            case JobEnded ended:
                await remote.EndedAsync(client, ended, cancellationToken).ConfigureAwait(false);
                break;
            case Received { Message: null } state:
                view.Heard(topics.NodeOfState(state.Topic)!, state.Document);
                break;
            case Received { Message: { } message } received when received.Topic == topics.Offers:
                await remote.OfferAsync(client, message, Idle(Queue()), cancellationToken).ConfigureAwait(false);
                break;
            case Received { Message: { Type: "grant" or "refuse" or "lost" } message }:
                remote.Handle(message, inputs.Writer, cancellationToken);
                break;
            case Received { Message: { } message }:
                await offers.HandleAsync(client, message, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsReady)
        {
            return;
        }

        var client = connection.Client;
        if (!subscribed)
        {
            sharedSubscribed = false;
            await SubscribeAsync(client, topics.WorkFilter, noLocal: true, "this box would never hear claims, grants or results", cancellationToken).ConfigureAwait(false);
            await SubscribeAsync(client, topics.NodeStates, noLocal: false, "the fleet view will show this box alone", cancellationToken).ConfigureAwait(false);
            subscribed = true;
        }

        var queue = Queue();
        var idle = Idle(queue);
        if (idle != sharedSubscribed)
        {
            // Only an idle box is in the group: the broker hands each offer to one of them, never to a busy box.
            if (idle)
            {
                await SubscribeAsync(client, topics.SharedOffers, noLocal: false, "this box will take no slides of other boxes (does the broker support MQTT 5 shared subscriptions?)", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(topics.SharedOffers).Build(), cancellationToken).ConfigureAwait(false);
            }

            sharedSubscribed = idle;
        }

        var now = DateTimeOffset.UtcNow;
        await remote.TickAsync(client, cancellationToken).ConfigureAwait(false);
        await offers.TickAsync(client, queue.Pending, view.SomeoneElseIdle(now), cancellationToken).ConfigureAwait(false);
        if (now >= nextState)
        {
            nextState = now + TimeSpan.FromSeconds(options.StateIntervalSeconds);
            var state = view.State(idle, queue.Pending, queue.Processing, offers.OpenSlide, remote.Current, offers.SharedDone, remote.Processed);
            view.Heard(topics.Node, state);
            await client.PublishAsync(FleetMessage.Retained(topics.NodeState(topics.Node), state), cancellationToken).ConfigureAwait(false);
            await client.PublishAsync(FleetMessage.Retained(topics.View, view.Aggregate(now)), cancellationToken).ConfigureAwait(false);
        }
    }

    private (int Pending, int Processing) Queue()
    {
        var counts = journal.Counts();
        return (counts[SlideState.Pending], counts[SlideState.Processing]);
    }

    private bool Idle((int Pending, int Processing) queue) => !remote.Busy && queue.Pending == 0 && queue.Processing == 0;

    private async Task SubscribeAsync(IMqttClient client, string filter, bool noLocal, string consequence, CancellationToken cancellationToken)
    {
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS().WithNoLocal(noLocal)).Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items.Where(i => (int)i.ResultCode >= 0x80))
        {
            FleetLog.SubscriptionRefused(logger, filter, item.ResultCode.ToString(), consequence);
        }
    }

    private async Task GuardedAsync(string what, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping, or the broker went away mid-publish: the publisher reconnects, and the loop goes on.
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or JournalUnavailableException or IOException)
        {
            subscribed = subscribed && connection.Client.IsConnected;
            FleetLog.Failed(logger, what, e.Message);
        }
    }
}
