using Microsoft.Data.Sqlite;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>A persistent session as stored: its client id, the account that owns the id, its subscriptions.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="Username">The account that owns the id ("" for anonymous).</param>
/// <param name="Persistent">Whether the session outlives its connection.</param>
/// <param name="ExpirySeconds">How long it outlives it.</param>
/// <param name="DisconnectedAt">When its client went away (Unix seconds); null while connected.</param>
/// <param name="Filters">Its subscriptions.</param>
internal sealed record StoredSession(string ClientId, string Username, bool Persistent, long ExpirySeconds, long? DisconnectedAt, List<MqttTopicFilter> Filters);

/// <summary>A message queued for a session, as stored.</summary>
internal sealed record QueuedMessage(long Id, MqttApplicationMessage Message, long? ExpiresAt);

/// <summary>
/// The embedded broker's durable state, one SQLite file (<c>broker.db</c> beside the journal): sessions (which also
/// reserve each client id to its account), their subscriptions, the QoS 1 messages queued for persistent sessions
/// until their client acknowledges them, and the retained messages. Every write is committed (synchronous FULL)
/// before the broker acknowledges the publish that caused it, so a kill loses nothing a publisher was told was taken.
/// </summary>
internal sealed class BrokerStore : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();
    private bool disposed;

    public BrokerStore(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        Path = full;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 30000;
            CREATE TABLE IF NOT EXISTS sessions (
                client_id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                persistent INTEGER NOT NULL,
                expiry_seconds INTEGER NOT NULL,
                disconnected_at INTEGER);
            CREATE TABLE IF NOT EXISTS subscriptions (
                client_id TEXT NOT NULL,
                filter TEXT NOT NULL,
                qos INTEGER NOT NULL,
                no_local INTEGER NOT NULL,
                retain_as_published INTEGER NOT NULL,
                PRIMARY KEY (client_id, filter));
            CREATE TABLE IF NOT EXISTS queued (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                client_id TEXT NOT NULL,
                digest BLOB NOT NULL,
                expires_at INTEGER,
                message BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS queued_by_client ON queued(client_id, digest);
            CREATE TABLE IF NOT EXISTS retained (
                topic TEXT PRIMARY KEY,
                expires_at INTEGER,
                message BLOB NOT NULL);
            """);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// The sessions a restart keeps: those of connections that were not persistent are dropped (their client ids
    /// are free again); the persistent ones whose connection the restart ended count as disconnected now.
    /// </summary>
    public List<StoredSession> Restore(long now)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var transaction = connection.BeginTransaction();
            Execute("DELETE FROM subscriptions WHERE client_id IN (SELECT client_id FROM sessions WHERE persistent = 0)", transaction);
            Execute("DELETE FROM queued WHERE client_id IN (SELECT client_id FROM sessions WHERE persistent = 0)", transaction);
            Execute("DELETE FROM sessions WHERE persistent = 0", transaction);
            Execute("UPDATE sessions SET disconnected_at = $now WHERE disconnected_at IS NULL", transaction, ("$now", now));
            transaction.Commit();
            var sessions = new Dictionary<string, StoredSession>(StringComparer.Ordinal);
            using (var read = Command("SELECT client_id, username, persistent, expiry_seconds, disconnected_at FROM sessions"))
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    sessions[reader.GetString(0)] = new StoredSession(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), []);
                }
            }

            using (var read = Command("SELECT client_id, filter, qos, no_local, retain_as_published FROM subscriptions"))
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (sessions.TryGetValue(reader.GetString(0), out var session))
                    {
                        session.Filters.Add(new MqttTopicFilter { Topic = reader.GetString(1), QualityOfServiceLevel = (MqttQualityOfServiceLevel)reader.GetInt32(2), NoLocal = reader.GetInt64(3) != 0, RetainAsPublished = reader.GetInt64(4) != 0 });
                    }
                }
            }

            return [.. sessions.Values];
        }
    }

    /// <summary>A (re)connected session, which from now on owns its client id; a clean start drops what the id had.</summary>
    public void Connected(string clientId, string username, bool persistent, long expirySeconds, bool cleanStart)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var transaction = connection.BeginTransaction();
            if (cleanStart)
            {
                DeleteRows(clientId, transaction);
            }

            Execute("""
                INSERT INTO sessions (client_id, username, persistent, expiry_seconds, disconnected_at) VALUES ($id, $user, $persistent, $expiry, NULL)
                ON CONFLICT (client_id) DO UPDATE SET username = $user, persistent = $persistent, expiry_seconds = $expiry, disconnected_at = NULL
                """, transaction, ("$id", clientId), ("$user", username), ("$persistent", persistent ? 1 : 0), ("$expiry", expirySeconds));
            transaction.Commit();
        }
    }

    /// <summary>The session's client went away; it expires <c>expiry_seconds</c> from now.</summary>
    public void Disconnected(string clientId, long now, long? expirySeconds)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("UPDATE sessions SET disconnected_at = $now, expiry_seconds = COALESCE($expiry, expiry_seconds) WHERE client_id = $id", null, ("$id", clientId), ("$now", now), ("$expiry", expirySeconds));
        }
    }

    /// <summary>Forgets a session and what was queued for it; returns how many messages were dropped.</summary>
    public int Delete(string clientId)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var transaction = connection.BeginTransaction();
            var dropped = DeleteRows(clientId, transaction);
            transaction.Commit();
            return dropped;
        }
    }

    /// <summary>Sessions whose client has been away longer than their expiry.</summary>
    public List<(string ClientId, string Username, double HoursAway)> Expired(long now)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var read = Command("SELECT client_id, username, $now - disconnected_at FROM sessions WHERE disconnected_at IS NOT NULL AND disconnected_at + expiry_seconds <= $now", null, ("$now", now));
            using var reader = read.ExecuteReader();
            var expired = new List<(string, string, double)>();
            while (reader.Read())
            {
                expired.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2) / 3600.0));
            }

            return expired;
        }
    }

    public void Subscribed(string clientId, MqttTopicFilter filter)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("""
                INSERT INTO subscriptions (client_id, filter, qos, no_local, retain_as_published) SELECT $id, $filter, $qos, $noLocal, $rap WHERE EXISTS (SELECT 1 FROM sessions WHERE client_id = $id)
                ON CONFLICT (client_id, filter) DO UPDATE SET qos = $qos, no_local = $noLocal, retain_as_published = $rap
                """, null, ("$id", clientId), ("$filter", filter.Topic), ("$qos", (int)filter.QualityOfServiceLevel), ("$noLocal", filter.NoLocal ? 1 : 0), ("$rap", filter.RetainAsPublished ? 1 : 0));
        }
    }

    public void Unsubscribed(string clientId, string filter)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("DELETE FROM subscriptions WHERE client_id = $id AND filter = $filter", null, ("$id", clientId), ("$filter", filter));
        }
    }

    /// <summary>Keeps <paramref name="message"/> for <paramref name="clientId"/> until acknowledged; past <paramref name="max"/> the oldest goes.</summary>
    public void Enqueue(string clientId, MqttApplicationMessage message, long? expiresAt, int max)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var transaction = connection.BeginTransaction();
            Execute("INSERT INTO queued (client_id, digest, expires_at, message) VALUES ($id, $digest, $expires, $message)", transaction,
                ("$id", clientId), ("$digest", StoredMessage.Digest(message)), ("$expires", expiresAt), ("$message", StoredMessage.Write(message)));
            Execute("DELETE FROM queued WHERE client_id = $id AND id NOT IN (SELECT id FROM queued WHERE client_id = $id ORDER BY id DESC LIMIT $max)", transaction, ("$id", clientId), ("$max", max));
            transaction.Commit();
        }
    }

    /// <summary>The client acknowledged a message: its oldest stored copy goes.</summary>
    public void Acknowledged(string clientId, byte[] digest)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("DELETE FROM queued WHERE id = (SELECT id FROM queued WHERE client_id = $id AND digest = $digest ORDER BY id LIMIT 1)", null, ("$id", clientId), ("$digest", digest));
        }
    }

    /// <summary>What is queued for <paramref name="clientId"/>, oldest first; expired messages are dropped on the way.</summary>
    public List<QueuedMessage> Queued(string clientId, long now)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("DELETE FROM queued WHERE client_id = $id AND expires_at IS NOT NULL AND expires_at <= $now", null, ("$id", clientId), ("$now", now));
            using var read = Command("SELECT id, message, expires_at FROM queued WHERE client_id = $id ORDER BY id", null, ("$id", clientId));
            using var reader = read.ExecuteReader();
            var queued = new List<QueuedMessage>();
            while (reader.Read())
            {
                queued.Add(new QueuedMessage(reader.GetInt64(0), StoredMessage.Read((byte[])reader[1]), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
            }

            return queued;
        }
    }

    public int QueuedCount()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var count = Command("SELECT COUNT(*) FROM queued");
            return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The retained messages, those past their expiry dropped.</summary>
    public List<MqttApplicationMessage> Retained(long now)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Execute("DELETE FROM retained WHERE expires_at IS NOT NULL AND expires_at <= $now", null, ("$now", now));
            using var read = Command("SELECT message, expires_at FROM retained");
            using var reader = read.ExecuteReader();
            var retained = new List<MqttApplicationMessage>();
            while (reader.Read())
            {
                var message = StoredMessage.Read((byte[])reader[0]);
                if (!reader.IsDBNull(1))
                {
                    message.MessageExpiryInterval = (uint)Math.Max(1, reader.GetInt64(1) - now);
                }

                retained.Add(message);
            }

            return retained;
        }
    }

    /// <summary>Sets (or, with an empty payload, clears) the retained message of its topic.</summary>
    public void Retain(MqttApplicationMessage message, long now)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (message.Payload.IsEmpty)
            {
                Execute("DELETE FROM retained WHERE topic = $topic", null, ("$topic", message.Topic));
                return;
            }

            long? expires = message.MessageExpiryInterval > 0 ? now + message.MessageExpiryInterval : null;
            Execute("INSERT INTO retained (topic, expires_at, message) VALUES ($topic, $expires, $message) ON CONFLICT (topic) DO UPDATE SET expires_at = $expires, message = $message", null,
                ("$topic", message.Topic), ("$expires", expires), ("$message", StoredMessage.Write(message)));
        }
    }

    // Under the lock: a client's last events may still be writing while the broker stops.
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            connection.Dispose();
        }
    }

    private int DeleteRows(string clientId, SqliteTransaction transaction)
    {
        var dropped = Execute("DELETE FROM queued WHERE client_id = $id", transaction, ("$id", clientId));
        Execute("DELETE FROM subscriptions WHERE client_id = $id", transaction, ("$id", clientId));
        Execute("DELETE FROM sessions WHERE client_id = $id", transaction, ("$id", clientId));
        return dropped;
    }

    private int Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
