using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Fleet;

/// <summary>
/// What a dashboard reads (docs/fleet.md): each box's retained state (<c>{prefix}/{node}/fleet/state</c>) and the
/// aggregated view every box publishes from the states it has heard (<c>{prefix}/fleet/view</c>, retained). A state
/// older than three of its box's intervals is shown as silent: a box killed without a goodbye keeps its last
/// retained state, and the view must not count it as idle.
/// </summary>
internal sealed class FleetView(FleetOptions options, FleetTopics topics)
{
    private readonly Dictionary<string, JsonObject> states = new(StringComparer.Ordinal);

    /// <summary>Keeps the state <paramref name="node"/> published.</summary>
    public void Heard(string node, JsonObject? state)
    {
        if (state is null)
        {
            states.Remove(node); // an empty retained message clears a box from the view
        }
        else
        {
            states[node] = Known(node, state);
        }
    }

    /// <summary>Whether another box said lately that it is idle.</summary>
    public bool SomeoneElseIdle(DateTimeOffset now) => states.Any(s => s.Key != topics.Node && Fresh(s.Value, now) && s.Value["idle"] is JsonValue v && v.TryGetValue<bool>(out var idle) && idle);

    /// <summary>This box's state.</summary>
    public JsonObject State(bool idle, int pending, int processing, string? offered, (string SlideId, string Owner)? remote, int sharedDone, int processedForOthers) => new()
    {
        ["schemaVersion"] = FleetMessage.SchemaVersion,
        ["node"] = topics.Node,
        ["group"] = options.Group,
        ["at"] = Now(),
        ["intervalSeconds"] = options.StateIntervalSeconds,
        ["idle"] = idle,
        ["pending"] = pending,
        ["processing"] = processing,
        ["offering"] = offered,
        ["processingFor"] = remote is { } r ? new JsonObject { ["slideId"] = r.SlideId, ["owner"] = r.Owner } : null,
        ["sharedDone"] = sharedDone,
        ["processedForOthers"] = processedForOthers,
    };

    /// <summary>The aggregated view: every box heard, each marked silent when its state is stale, and the totals.</summary>
    public JsonObject Aggregate(DateTimeOffset now)
    {
        var nodes = new JsonArray();
        int pending = 0, processing = 0, idle = 0, silent = 0;
        foreach (var (node, state) in states.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var entry = (JsonObject)state.DeepClone();
            var fresh = Fresh(state, now);
            entry["silent"] = !fresh;
            nodes.Add(entry);
            if (!fresh)
            {
                silent++;
                continue;
            }

            pending += Int(state, "pending");
            processing += Int(state, "processing");
            idle += state["idle"] is JsonValue v && v.TryGetValue<bool>(out var b) && b ? 1 : 0;
        }

        return new JsonObject
        {
            ["schemaVersion"] = FleetMessage.SchemaVersion,
            ["group"] = options.Group,
            ["at"] = Now(),
            ["by"] = topics.Node,
            ["totals"] = new JsonObject { ["nodes"] = states.Count, ["silent"] = silent, ["idle"] = idle, ["pending"] = pending, ["processing"] = processing },
            ["nodes"] = nodes,
        };
    }

    // Only the fields a state has, each of its kind and short: the view is republished, retained, by every box, so
    // one box's oversized or odd state must not travel on through all of them.
    private static JsonObject Known(string node, JsonObject state)
    {
        var known = new JsonObject { ["node"] = node };
        foreach (var field in new[] { "schemaVersion", "group", "at", "intervalSeconds", "idle", "pending", "processing", "offering", "sharedDone", "processedForOthers" })
        {
            if (state[field] is JsonValue value && Scalar(value) is { } copy)
            {
                known[field] = copy;
            }
        }

        if (state["processingFor"] is JsonObject remote)
        {
            known["processingFor"] = new JsonObject { ["slideId"] = Scalar(remote["slideId"] as JsonValue), ["owner"] = Scalar(remote["owner"] as JsonValue) };
        }

        return known;
    }

    private static JsonNode? Scalar(JsonValue? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => OfferTerms.Shown(value.GetValue<string>()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.DeepClone(),
        _ => null,
    };

    private static bool Fresh(JsonObject state, DateTimeOffset now)
    {
        var at = state["at"] is JsonValue a && a.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : DateTimeOffset.MinValue;
        var interval = state["intervalSeconds"] is JsonValue i && i.TryGetValue<double>(out var seconds) ? seconds : 10;
        return now - at <= TimeSpan.FromSeconds(3 * interval);
    }

    private static int Int(JsonObject state, string field) => state[field] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
