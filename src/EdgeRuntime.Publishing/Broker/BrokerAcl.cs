using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Publishing.Mqtt;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// What each role may do on the embedded broker: the grants of the shipped Mosquitto ACL
/// (<c>install/mosquitto/edgeruntime.acl</c>), over the one topic tree of <see cref="TopicMap"/>.
/// <list type="bullet">
/// <item>service: publishes the node's topics (status, heartbeat, metrics, slides, plugins, replies), never a request;</item>
/// <item>admin: publishes admin requests; reads everything below the node's root, admin replies included;</item>
/// <item>read-only (an LIS): reads results, state, metrics and plugin events, asks tasks read-only questions below
/// <c>requests/</c>, and can neither see nor send anything below <c>admin/</c>.</item>
/// </list>
/// Requests are never retained: a retained command would run again at every reconnection of the node.
/// </summary>
public sealed class BrokerAcl(TopicMap topics)
{
    /// <summary>Whether <paramref name="role"/> may publish to <paramref name="topic"/>.</summary>
    public bool MayPublish(CallerRole role, string topic, bool retain)
    {
        if (!TopicMap.IsAtOrBelow(topic, topics.Root))
        {
            return false;
        }

        var isRequest = !topics.IsReplyTopic(topic) && (TopicMap.IsAtOrBelow(topic, topics.AdminRoot) || TopicMap.IsAtOrBelow(topic, topics.RequestRoot));
        return role switch
        {
            CallerRole.Service => !isRequest,
            CallerRole.Admin => isRequest && TopicMap.IsAtOrBelow(topic, topics.AdminRoot) && !retain,
            _ => isRequest && TopicMap.IsAtOrBelow(topic, topics.RequestRoot) && !retain,
        };
    }

    /// <summary>Whether a message on <paramref name="topic"/> may be delivered to a client of <paramref name="role"/>.</summary>
    public bool MayReceive(CallerRole role, string topic) =>
        TopicMap.IsAtOrBelow(topic, topics.Root) && (role != CallerRole.ReadOnly || !TopicMap.IsAtOrBelow(topic, topics.AdminRoot));

    /// <summary>
    /// Whether <paramref name="role"/> may subscribe to <paramref name="filter"/>. A read-only client asking for the
    /// admin tree by name is refused; a broad filter (<c>#</c>) is allowed, and what it may not see is held back per
    /// message (<see cref="MayReceive"/>).
    /// </summary>
    public bool MaySubscribe(CallerRole role, string filter) => role != CallerRole.ReadOnly || !Targets(filter, topics.AdminRoot);

    // Whether every topic the filter matches is at or below root: each of root's levels is matched by the same
    // level or '+', before any '#'.
    private static bool Targets(string filter, string root)
    {
        var levels = filter.Split('/');
        var rootLevels = root.Split('/');
        if (levels.Length < rootLevels.Length)
        {
            return false;
        }

        for (var i = 0; i < rootLevels.Length; i++)
        {
            if (levels[i] == "#" || (levels[i] != "+" && levels[i] != rootLevels[i]))
            {
                return false;
            }
        }

        return true;
    }
}
