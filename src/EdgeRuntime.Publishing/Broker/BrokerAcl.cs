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
/// <c>requests/</c> with a response topic in its own reply tree (<see cref="TopicMap.ReplyRootOf"/>), reads that tree
/// and no other account's, and can neither see nor send anything below <c>admin/</c>.</item>
/// </list>
/// Requests are never retained: a retained command would run again at every reconnection of the node.
/// </summary>
internal sealed class BrokerAcl(TopicMap topics)
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

    /// <summary>
    /// Whether a read-only request from <paramref name="username"/> may name <paramref name="responseTopic"/>: only
    /// a topic in the account's own reply tree, so that no account has answers sent where another reads.
    /// </summary>
    public bool MayNameResponseTopic(CallerRole role, string username, string? responseTopic) =>
        role != CallerRole.ReadOnly || string.IsNullOrEmpty(responseTopic) || TopicMap.IsAtOrBelow(responseTopic, topics.ReplyRootOf(username));

    /// <summary>
    /// The response topic the embedded broker gives a request that names none: a read-only request's is its
    /// account's reply tree (null: leave it to the service's default).
    /// </summary>
    public string? DefaultResponseTopic(CallerRole role, string username, string topic) =>
        role == CallerRole.ReadOnly && TopicMap.IsAtOrBelow(topic, topics.RequestRoot) && !topics.IsReplyTopic(topic) ? topics.ReplyRootOf(username) : null;

    /// <summary>Whether a message on <paramref name="topic"/> may be delivered to <paramref name="username"/>'s client of <paramref name="role"/>.</summary>
    public bool MayReceive(CallerRole role, string username, string topic)
    {
        if (!TopicMap.IsAtOrBelow(topic, topics.Root))
        {
            return false;
        }

        if (role != CallerRole.ReadOnly)
        {
            return true;
        }

        return !TopicMap.IsAtOrBelow(topic, topics.AdminRoot)
            && (!TopicMap.IsAtOrBelow(topic, topics.RequestReplyRoot) || TopicMap.IsAtOrBelow(topic, topics.ReplyRootOf(username)));
    }

    /// <summary>
    /// Whether <paramref name="role"/> may subscribe to <paramref name="filter"/>. A read-only client asking for the
    /// admin tree, or another account's reply tree, by name is refused; a broad filter (<c>#</c>) is allowed, and
    /// what it may not see is held back per message (<see cref="MayReceive"/>).
    /// </summary>
    public bool MaySubscribe(CallerRole role, string username, string filter)
    {
        if (role != CallerRole.ReadOnly)
        {
            return true;
        }

        if (Targets(filter, topics.AdminRoot))
        {
            return false;
        }

        // A filter naming one account's reply tree (not '+' or '#' at that level) must name the caller's own.
        var replyLevels = topics.RequestReplyRoot.Split('/').Length;
        var levels = filter.Split('/');
        return !Targets(filter, topics.RequestReplyRoot) || levels.Length <= replyLevels || levels[replyLevels] is "+" or "#"
            || levels[replyLevels] == topics.ReplyRootOf(username)[(topics.RequestReplyRoot.Length + 1)..];
    }

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
