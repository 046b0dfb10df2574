using EdgeRuntime.Abstractions.Requests;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// The embedded broker's sessions across restarts and kills, kept in <see cref="BrokerStore"/>. MQTTnet keeps
/// sessions in memory only, and can neither load one nor queue for a client it has no session of; so:
/// <list type="bullet">
/// <item>every session is written down when its client connects (which also reserves its client id to its account),
/// with its subscriptions as they are made;</item>
/// <item>a QoS 1 message for a persistent session is stored before the publisher gets its PUBACK, and forgotten when
/// the subscriber acknowledges it;</item>
/// <item>after a restart, a persistent session is "dormant" until its client comes back: messages for it are stored
/// from the publish (MQTTnet has no session to queue them in); when the client reconnects without a clean start,
/// its subscriptions are restored and what is stored is queued to it before CONNACK is sent (session present);</item>
/// <item>sessions expire by their expiry interval (capped by <see cref="EmbeddedBrokerOptions.MaxSessionExpiryHours"/>)
/// and messages by theirs.</item>
/// </list>
/// Delivery is at least once: a message that was in flight when the broker died comes again.
/// </summary>
internal sealed class BrokerSessions(BrokerStore store, BrokerAccounts accounts, BrokerAcl acl, EmbeddedBrokerOptions options, ILogger logger, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, StoredSession> sessions = new(StringComparer.Ordinal);

    // Persistent sessions restored from the store whose client has not come back: MQTTnet knows nothing of them.
    private readonly HashSet<string> dormant = new(StringComparer.Ordinal);

    // Dormant sessions whose client is connecting without a clean start: restored when its CONNACK goes out.
    private readonly HashSet<string> resuming = new(StringComparer.Ordinal);

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    private long MaxExpirySeconds => (long)(options.MaxSessionExpiryHours * 3600);

    /// <summary>Reads the stored sessions, before the broker starts; drops those of accounts that no longer exist.</summary>
    public void Load()
    {
        var restored = store.Restore(Now);
        lock (gate)
        {
            foreach (var session in restored)
            {
                if (accounts.RoleOf(session.Username) is null)
                {
                    var dropped = store.Delete(session.ClientId);
                    BrokerLog.SessionOfRemovedAccount(logger, session.ClientId, session.Username, dropped);
                    continue;
                }

                sessions[session.ClientId] = session;
                dormant.Add(session.ClientId);
            }
        }

        var queued = store.QueuedCount();
        var retained = store.Retained(Now).Count;
        BrokerLog.StateRestored(logger, store.Path, dormant.Count, queued, retained);
    }

    /// <summary>The account that owns <paramref name="clientId"/> now (its session's), or null if no session has it.</summary>
    public string? Owner(string clientId)
    {
        lock (gate)
        {
            return sessions.TryGetValue(clientId, out var session) ? session.Username : null;
        }
    }

    /// <summary>The role and account of the session of <paramref name="clientId"/> while its client is away, or null.</summary>
    public (CallerRole Role, string Username)? Account(string clientId)
    {
        lock (gate)
        {
            return sessions.TryGetValue(clientId, out var session) && accounts.RoleOf(session.Username) is { } role ? (role, session.Username) : null;
        }
    }

    /// <summary>A client was let in. Its session is written down (and its id reserved) before it gets its CONNACK.</summary>
    public void Connecting(string clientId, string username, MQTTnet.Formatter.MqttProtocolVersion version, bool cleanStart, uint requestedExpiry)
    {
        // MQTT 5: the session outlives the connection by its expiry interval; 3.1.1: without a clean session, forever.
        var persistent = version == MQTTnet.Formatter.MqttProtocolVersion.V500 ? requestedExpiry > 0 : !cleanStart;
        var expiry = version == MQTTnet.Formatter.MqttProtocolVersion.V500 && requestedExpiry != uint.MaxValue ? Math.Min(requestedExpiry, MaxExpirySeconds) : MaxExpirySeconds;
        store.Connected(clientId, username, persistent, persistent ? expiry : 0, cleanStart);
        lock (gate)
        {
            var filters = !cleanStart && sessions.TryGetValue(clientId, out var old) ? old.Filters : [];
            sessions[clientId] = new StoredSession(clientId, username, persistent, expiry, null, filters);
            if (cleanStart || !dormant.Contains(clientId))
            {
                dormant.Remove(clientId);
                resuming.Remove(clientId);
            }
            else
            {
                resuming.Add(clientId);
            }
        }
    }

    /// <summary>
    /// The CONNACK to <paramref name="connAck"/>'s client is going out: a dormant session it resumes gets its
    /// subscriptions back and what was stored for it queued, and the CONNACK says the session is present.
    /// </summary>
    public async Task ResumeAsync(MqttServer server, string clientId, MqttConnAckPacket connAck)
    {
        StoredSession? session;
        lock (gate)
        {
            if (!resuming.Remove(clientId) || !sessions.TryGetValue(clientId, out session))
            {
                return;
            }
        }

        // Retained messages are not sent again for restored subscriptions: the client had them before the restart.
        var filters = session.Filters.Select(f => new MqttTopicFilter { Topic = f.Topic, QualityOfServiceLevel = f.QualityOfServiceLevel, NoLocal = f.NoLocal, RetainAsPublished = f.RetainAsPublished, RetainHandling = MqttRetainHandling.DoNotSendOnSubscribe }).ToList();
        if (filters.Count > 0)
        {
            await server.SubscribeAsync(clientId, filters).ConfigureAwait(false);
        }

        // From here on MQTTnet queues new messages for it itself; what the store holds from before goes first.
        lock (gate)
        {
            dormant.Remove(clientId);
        }

        var now = Now;
        var queued = store.Queued(clientId, now);
        var status = await server.GetSessionAsync(clientId).ConfigureAwait(false);
        foreach (var item in queued)
        {
            var message = item.Message;
            if (item.ExpiresAt is { } expires)
            {
                message.MessageExpiryInterval = (uint)Math.Max(1, expires - now);
            }

            message.Retain = false;
            status.TryEnqueueApplicationMessage(message, out _);
        }

        connAck.IsSessionPresent = true;
        BrokerLog.SessionResumed(logger, clientId, session.Username, filters.Count, queued.Count);
    }

    /// <summary>
    /// A publish was accepted: keep a copy for every dormant session it is for, before the publisher's PUBACK
    /// (MQTTnet has no session to queue it in until the client is back).
    /// </summary>
    public void Published(string senderClientId, MqttApplicationMessage message)
    {
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            return;
        }

        lock (gate)
        {
            foreach (var clientId in dormant)
            {
                var session = sessions[clientId];
                var qos = GrantedQos(session, senderClientId, message.Topic);
                if (qos > MqttQualityOfServiceLevel.AtMostOnce && accounts.RoleOf(session.Username) is { } role && acl.MayReceive(role, session.Username, message.Topic))
                {
                    Keep(clientId, message, qos);
                }
            }
        }
    }

    /// <summary>MQTTnet queued <paramref name="message"/> for a connected (or still remembered) session: keep a copy if it is persistent.</summary>
    public void Enqueued(string receiverClientId, string senderClientId, MqttApplicationMessage message)
    {
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            return;
        }

        lock (gate)
        {
            if (sessions.TryGetValue(receiverClientId, out var session) && session.Persistent && !dormant.Contains(receiverClientId)
                && GrantedQos(session, senderClientId, message.Topic) is var qos && qos > MqttQualityOfServiceLevel.AtMostOnce)
            {
                Keep(receiverClientId, message, qos);
            }
        }
    }

    /// <summary>The client acknowledged a message: its stored copy goes.</summary>
    public void Acknowledged(string clientId, MqttPublishPacket packet)
    {
        bool persistent;
        lock (gate)
        {
            persistent = sessions.TryGetValue(clientId, out var session) && session.Persistent;
        }

        if (persistent)
        {
            store.Acknowledged(clientId, StoredMessage.Digest(packet));
        }
    }

    public void Subscribed(string clientId, MqttTopicFilter filter)
    {
        lock (gate)
        {
            if (!sessions.TryGetValue(clientId, out var session))
            {
                return;
            }

            session.Filters.RemoveAll(f => f.Topic == filter.Topic);
            session.Filters.Add(filter);
        }

        store.Subscribed(clientId, filter);
    }

    public void Unsubscribed(string clientId, string filter)
    {
        lock (gate)
        {
            if (sessions.TryGetValue(clientId, out var session))
            {
                session.Filters.RemoveAll(f => f.Topic == filter);
            }
        }

        store.Unsubscribed(clientId, filter);
    }

    /// <summary>The client went away; a persistent session's expiry starts (a DISCONNECT may have changed it).</summary>
    public void Disconnected(string clientId, uint? expiryFromDisconnect)
    {
        lock (gate)
        {
            if (!sessions.ContainsKey(clientId))
            {
                return;
            }
        }

        store.Disconnected(clientId, Now, expiryFromDisconnect is { } e and > 0 ? Math.Min(e, MaxExpirySeconds) : null);
    }

    /// <summary>MQTTnet dropped the session (it was not persistent, or expired): so does the store, and the client id is free.</summary>
    public void Deleted(string clientId)
    {
        lock (gate)
        {
            sessions.Remove(clientId);
            dormant.Remove(clientId);
            resuming.Remove(clientId);
        }

        store.Delete(clientId);
    }

    /// <summary>Drops every session whose client has been away longer than its expiry, in MQTTnet and in the store.</summary>
    public async Task ExpireAsync(MqttServer server)
    {
        foreach (var (clientId, username, hours) in store.Expired(Now))
        {
            bool wasDormant;
            lock (gate)
            {
                wasDormant = dormant.Contains(clientId);
            }

            if (!wasDormant)
            {
                var live = (await server.GetSessionsAsync().ConfigureAwait(false)).FirstOrDefault(s => s.Id == clientId);
                if (live is { DisconnectedTimestamp: null })
                {
                    continue; // back in the meantime
                }

                if (live is not null)
                {
                    await live.DeleteAsync().ConfigureAwait(false);
                }
            }

            var dropped = store.Delete(clientId);
            lock (gate)
            {
                sessions.Remove(clientId);
                dormant.Remove(clientId);
            }

            BrokerLog.SessionExpired(logger, clientId, username, hours, dropped);
        }
    }

    /// <summary>The retained messages to start with.</summary>
    public List<MqttApplicationMessage> Retained() => store.Retained(Now);

    /// <summary>A retained message was set or cleared.</summary>
    public void RetainedChanged(MqttApplicationMessage message) => store.Retain(message, Now);

    // The QoS the session gets the message with: the highest of its matching subscriptions' (MQTTnet's rule), none
    // for its own messages under "no local".
    private static MqttQualityOfServiceLevel GrantedQos(StoredSession session, string senderClientId, string topic)
    {
        var granted = MqttQualityOfServiceLevel.AtMostOnce;
        var any = false;
        foreach (var filter in session.Filters)
        {
            if (MqttTopicFilterComparer.Compare(topic, filter.Topic) != MqttTopicFilterCompareResult.IsMatch || (filter.NoLocal && senderClientId == session.ClientId))
            {
                continue;
            }

            any = true;
            granted = (MqttQualityOfServiceLevel)Math.Max((int)granted, (int)filter.QualityOfServiceLevel);
        }

        return any ? granted : MqttQualityOfServiceLevel.AtMostOnce;
    }

    private void Keep(string clientId, MqttApplicationMessage message, MqttQualityOfServiceLevel qos)
    {
        var copy = StoredMessage.Read(StoredMessage.Write(message));
        copy.QualityOfServiceLevel = (MqttQualityOfServiceLevel)Math.Min((int)qos, (int)message.QualityOfServiceLevel);
        long? expires = message.MessageExpiryInterval > 0 ? Now + message.MessageExpiryInterval : null;
        store.Enqueue(clientId, copy, expires, options.MaxQueuedMessagesPerSession);
    }
}
