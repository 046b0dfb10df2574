using EdgeRuntime.Publishing.Mqtt;

namespace EdgeRuntime.Fleet;

/// <summary>The fleet's topics (docs/asyncapi.yaml, docs/fleet.md), beside the node's own tree.</summary>
public sealed class FleetTopics(MqttOptions mqtt, FleetOptions fleet)
{
    /// <summary>This box's node id.</summary>
    public string Node => mqtt.NodeId;

    /// <summary>Where owners publish offers: <c>{prefix}/fleet/offers</c>.</summary>
    public string Offers => $"{mqtt.TopicPrefix}/{FleetOptions.FleetLevel}/offers";

    /// <summary>The shared subscription an idle box takes offers through: each offer reaches one box of the group.</summary>
    public string SharedOffers => $"$share/{fleet.Group}/{Offers}";

    /// <summary>The aggregated fleet view (retained).</summary>
    public string View => $"{mqtt.TopicPrefix}/{FleetOptions.FleetLevel}/view";

    /// <summary>
    /// Where this box sends <paramref name="node"/> a message about shared work (claims, grants, renewals, results):
    /// <c>{prefix}/{node}/fleet/work/{this box}</c>. The last level is the sender, and the broker's ACL lets each
    /// box's account write only its own, so a box cannot speak for another (install/mosquitto/fleet.acl).
    /// </summary>
    public string Work(string node) => $"{mqtt.TopicPrefix}/{node}/{FleetOptions.FleetLevel}/work/{Node}";

    /// <summary>The messages about shared work addressed to this box, from every sender.</summary>
    public string WorkFilter => $"{mqtt.TopicPrefix}/{Node}/{FleetOptions.FleetLevel}/work/+";

    /// <summary>The sender of a message on this box's work topics, or null for another topic.</summary>
    public string? SenderOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var root = $"{mqtt.TopicPrefix}/{Node}/{FleetOptions.FleetLevel}/work/";
        return topic.StartsWith(root, StringComparison.Ordinal) && topic.Length > root.Length && topic.IndexOf('/', root.Length) < 0 ? topic[root.Length..] : null;
    }

    /// <summary>The retained fleet state of <paramref name="node"/>.</summary>
    public string NodeState(string node) => $"{mqtt.TopicPrefix}/{node}/{FleetOptions.FleetLevel}/state";

    /// <summary>Every node's retained fleet state.</summary>
    public string NodeStates => $"{mqtt.TopicPrefix}/+/{FleetOptions.FleetLevel}/state";

    /// <summary>The node a <see cref="NodeState"/> topic belongs to, or null for another topic.</summary>
    public string? NodeOfState(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var levels = topic.Split('/');
        return levels.Length == 4 && levels[0] == mqtt.TopicPrefix && levels[2] == FleetOptions.FleetLevel && levels[3] == "state" ? levels[1] : null;
    }

    /// <summary>The retrieval index's search request of <paramref name="node"/> (read-only role).</summary>
    public string Search(string node) => $"{mqtt.TopicPrefix}/{node}/requests/tasks/retrieval-index/search";

    /// <summary>Where <paramref name="node"/> answers a search of account <paramref name="account"/>.</summary>
    public string SearchReply(string node, string? account, string query) => $"{mqtt.TopicPrefix}/{node}/requests/replies/{(string.IsNullOrEmpty(account) ? TopicMap.AnonymousReplyLevel : account)}/{query}";
}
