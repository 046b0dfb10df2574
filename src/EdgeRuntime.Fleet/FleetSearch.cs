using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeRuntime.Fleet;

/// <summary>
/// A retrieval search sent to the whole fleet (<c>edgert search --fleet</c>): the boxes are those whose retained
/// fleet state the broker holds; each gets the retrieval index's own <c>search</c> request (read-only role) and
/// answers from its own index; the hits are merged by score, each naming its box; a box that has not answered by the
/// deadline, or refused, is listed with why.
/// </summary>
public static class FleetSearch
{
    /// <summary>Sends <paramref name="query"/> (the search request's body) to every box and merges their answers.</summary>
    /// <param name="mqtt">The broker and topic prefix (EdgeRuntime:Mqtt); TLS as the service's.</param>
    /// <param name="username">A read-only account (an LIS's); null: anonymous.</param>
    /// <param name="password">Its password.</param>
    /// <param name="query">The request body (<c>text</c>, or <c>slide</c> and <c>box</c>; <c>top</c>).</param>
    /// <param name="deadline">How long to wait for the boxes' answers.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The merged answer: <c>hits</c> (each with <c>node</c>), <c>answered</c>, <c>notAnswered</c> (with reasons).</returns>
    public static async Task<JsonObject> SearchAsync(MqttOptions mqtt, string? username, string? password, JsonObject query, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(query);
        var topics = new FleetTopics(mqtt, new FleetOptions());
        var states = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var answers = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        var queryId = Guid.NewGuid().ToString("N")[..12];
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            if (topics.NodeOfState(topic) is { } node)
            {
                if (!e.ApplicationMessage.Payload.IsEmpty)
                {
                    states[node] = true;
                }
            }
            else if (e.ApplicationMessage.CorrelationData is { Length: > 0 } correlation)
            {
                try
                {
                    if (JsonNode.Parse(e.ApplicationMessage.Payload.ToArray()) is JsonObject answer)
                    {
                        answers.TryAdd(Encoding.UTF8.GetString(correlation), answer);
                    }
                }
                catch (JsonException)
                {
                    // Not an answer; the box is listed as not answered.
                }
            }

            return Task.CompletedTask;
        };

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(mqtt.Host, mqtt.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"edgert-search-{queryId}")
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(username))
        {
            builder.WithCredentials(username, password);
        }

        if (mqtt.UseTls)
        {
            builder.WithTlsOptions(BrokerTls.Build(mqtt, NullLogger.Instance));
        }

        var started = DateTimeOffset.UtcNow;
        await client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        try
        {
            // The boxes: every retained fleet state the broker holds (they arrive at once, on subscribing).
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(topics.NodeStates).WithAtLeastOnceQoS()).Build(), cancellationToken).ConfigureAwait(false);
            await Quiet(() => states.Count, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var nodes = states.Keys.Order(StringComparer.Ordinal).ToList();
            foreach (var node in nodes)
            {
                var reply = topics.SearchReply(node, username, queryId);
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(reply).WithAtLeastOnceQoS()).Build(), cancellationToken).ConfigureAwait(false);
                await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(topics.Search(node))
                    .WithPayload(Encoding.UTF8.GetBytes(PayloadJson.Write(query)))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithResponseTopic(reply)
                    .WithCorrelationData(Encoding.UTF8.GetBytes(node))
                    .WithContentType("application/json")
                    .Build(), cancellationToken).ConfigureAwait(false);
            }

            var until = started + deadline;
            while (answers.Count < nodes.Count && DateTimeOffset.UtcNow < until)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            return Merge(nodes, answers, query["top"] is JsonValue t && t.TryGetValue<int>(out var top) ? top : 10, deadline);
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static JsonObject Merge(List<string> nodes, ConcurrentDictionary<string, JsonObject> answers, int top, TimeSpan deadline)
    {
        var hits = new List<JsonObject>();
        var answered = new JsonArray();
        var notAnswered = new JsonArray();
        foreach (var node in nodes)
        {
            if (!answers.TryGetValue(node, out var answer))
            {
                notAnswered.Add(new JsonObject { ["node"] = node, ["reason"] = string.Create(CultureInfo.InvariantCulture, $"no answer within {deadline.TotalSeconds:0.#} s") });
                continue;
            }

            if (answer["ok"] is not JsonValue ok || !ok.TryGetValue<bool>(out var yes) || !yes)
            {
                notAnswered.Add(new JsonObject { ["node"] = node, ["reason"] = answer["reason"]?.DeepClone() ?? "refused" });
                continue;
            }

            answered.Add(new JsonObject { ["node"] = node, ["tilesSearched"] = answer["tilesSearched"]?.DeepClone(), ["empty"] = answer["empty"] is not null });
            foreach (var hit in answer["hits"] as JsonArray ?? [])
            {
                if (hit is JsonObject h)
                {
                    var copy = (JsonObject)h.DeepClone();
                    copy["node"] = node;
                    hits.Add(copy);
                }
            }
        }

        var merged = new JsonArray(hits.OrderByDescending(h => h["score"] is JsonValue s && s.TryGetValue<double>(out var d) ? d : double.NegativeInfinity).Take(top).Select(h => (JsonNode)h).ToArray());
        return new JsonObject { ["ok"] = true, ["nodes"] = nodes.Count, ["answered"] = answered, ["notAnswered"] = notAnswered, ["hits"] = merged };
    }

    // Retained messages come in a burst right after the subscription: wait until none has come for a moment. None at
    // all is not quiet: under load the burst can start late (CI saw "no box of the fleet is known"), so an empty view
    // waits the longest before it is believed.
    private static async Task Quiet(Func<int> count, TimeSpan quiet, TimeSpan longest, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow + longest;
        var last = -1;
        var since = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow < end)
        {
            var now = count();
            if (now != last)
            {
                (last, since) = (now, DateTimeOffset.UtcNow);
            }
            else if (now > 0 && DateTimeOffset.UtcNow - since >= quiet)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
