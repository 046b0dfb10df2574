namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The broker results go to, and the service's and admin's accounts. Bound from <c>EdgeRuntime:Mqtt</c>. With no
/// <see cref="Host"/>, the service runs its own embedded broker (<c>EdgeRuntime:Broker</c>) on loopback, so that it
/// works alone.
/// </summary>
public sealed class MqttOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Mqtt";

    /// <summary>External broker's host name; empty (the default) starts the embedded broker on 127.0.0.1.</summary>
    public string? Host { get; set; }

    /// <summary>Broker port. Default 1883 (8883 is usual with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Connect to the external broker with TLS. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>The CA, client certificate and server name for <see cref="UseTls"/>.</summary>
    public MqttTlsOptions Tls { get; } = new();

    /// <summary>
    /// The service's account: its client connects with it; the embedded broker accepts it in the service role.
    /// Empty with the embedded broker: an account only the process knows.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>Password; for the embedded broker, the one it accepts.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The user allowed to send admin commands (<c>{TopicPrefix}/{NodeId}/admin/...</c>). The embedded broker accepts
    /// this user and refuses admin publishes from anyone else; on an external broker, its ACL must do the same
    /// (docs/plugins.md). Empty (the default): admin commands over MQTT are off.
    /// </summary>
    public string? AdminUsername { get; set; }

    /// <summary>The admin user's password (for the embedded broker, the one it accepts).</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Admin commands waiting to be carried out before further ones are answered "busy". Default 16.</summary>
    public int AdminQueueLength { get; set; } = 16;

    /// <summary>
    /// Read-only requests (below <c>requests/</c>) waiting before further ones are answered "busy". Default 16. They
    /// wait in a lane of their own: an admin command never waits behind them.
    /// </summary>
    public int RequestQueueLength { get; set; } = 16;

    /// <summary>The largest request body accepted, in bytes; a larger one is refused before it is read. Default 65536 (64 KiB).</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>First level of every topic. Default <c>edgeruntime</c>.</summary>
    public string TopicPrefix { get; set; } = "edgeruntime";

    /// <summary>This box's name in topics. Default: the machine name.</summary>
    public string NodeId { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Seconds between metrics messages. Default 10.</summary>
    public double MetricsIntervalSeconds { get; set; } = 10;

    /// <summary>First wait after a failed connection, in seconds; doubled each time up to <see cref="ReconnectMaxSeconds"/>. Default 1.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;

    /// <summary>Longest wait between connection attempts, in seconds. Default 30.</summary>
    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>Hours after which the broker may drop an undelivered result (MQTT 5 message expiry). Default 168 (a week).</summary>
    public double ResultExpiryHours { get; set; } = 168;

    /// <summary>Whether admin commands over MQTT are on.</summary>
    public bool AdminEnabled => !string.IsNullOrEmpty(AdminUsername);

    /// <summary>Whether to start the embedded broker.</summary>
    public bool Embedded => string.IsNullOrWhiteSpace(Host);

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (Port is < 1 or > 65535)
        {
            yield return $"{Section}:{nameof(Port)} must be between 1 and 65535 (is {Port}).";
        }

        foreach (var (name, value) in new[] { (nameof(TopicPrefix), TopicPrefix), (nameof(NodeId), NodeId) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['/', '+', '#']) >= 0)
            {
                yield return $"{Section}:{name} must be a non-empty topic level without '/', '+' or '#' (is '{value}').";
            }
        }

        if (!(MetricsIntervalSeconds > 0))
        {
            yield return $"{Section}:{nameof(MetricsIntervalSeconds)} must be positive (is {MetricsIntervalSeconds}).";
        }

        if (!(ReconnectMinSeconds > 0) || ReconnectMaxSeconds < ReconnectMinSeconds)
        {
            yield return $"{Section}:{nameof(ReconnectMinSeconds)} must be positive and at most {nameof(ReconnectMaxSeconds)}.";
        }

        if (string.IsNullOrEmpty(AdminUsername) != string.IsNullOrEmpty(AdminPassword))
        {
            yield return $"{Section}:{nameof(AdminUsername)} and {nameof(AdminPassword)} must be set together.";
        }

        if (AdminEnabled && AdminUsername == Username)
        {
            yield return $"{Section}:{nameof(AdminUsername)} must differ from {nameof(Username)}: the service's own account must not be able to send admin commands.";
        }
        else if (AdminEnabled && string.IsNullOrEmpty(Username) && AdminUsername == ServiceAccount.BuiltInUsername)
        {
            // The built-in service account would be replaced by the admin's, and the service refused by its own broker.
            yield return $"{Section}:{nameof(AdminUsername)} must not be '{ServiceAccount.BuiltInUsername}': that name is the service's own built-in account.";
        }

        if (AdminQueueLength < 1)
        {
            yield return $"{Section}:{nameof(AdminQueueLength)} must be at least 1 (is {AdminQueueLength}).";
        }

        if (RequestQueueLength is < 1 or > 10_000)
        {
            yield return $"{Section}:{nameof(RequestQueueLength)} must be 1 to 10000 (is {RequestQueueLength}).";
        }

        if (MaxRequestBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return $"{Section}:{nameof(MaxRequestBytes)} must be 1024 to 16777216 bytes (is {MaxRequestBytes}).";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return $"{Section}:{nameof(Username)} and {nameof(Password)} must be set together.";
        }

        if (Embedded && UseTls)
        {
            yield return $"{Section}:{nameof(UseTls)} is for an external broker ({Section}:{nameof(Host)}); the embedded broker's TLS endpoint is EdgeRuntime:Broker:Tls.";
        }

        foreach (var error in Tls.Validate($"{Section}:{nameof(Tls)}", UseTls))
        {
            yield return error;
        }

        // Beyond the box, results (patient slides' findings) and the accounts' passwords would cross the hospital
        // network in clear text, to a broker that cannot tell the service from anyone else: refused, as the embedded
        // broker and the operations endpoint refuse the same beyond loopback.
        if (!Embedded && !IsLoopback(Host!))
        {
            if (!UseTls)
            {
                yield return $"{Section}:{nameof(Host)} is {Host}, beyond loopback: set {Section}:{nameof(UseTls)} to true (and {Section}:{nameof(Tls)}:CaFile) so that results and passwords do not cross the network in clear text.";
            }

            if (string.IsNullOrEmpty(Username) && string.IsNullOrWhiteSpace(Tls.CertificateFile))
            {
                yield return $"{Section}:{nameof(Host)} is {Host}, beyond loopback: set {Section}:{nameof(Username)} and {nameof(Password)} (or a client certificate, {Section}:{nameof(Tls)}:CertificateFile) so that the broker knows the service.";
            }
        }
    }

    // A name is loopback only as "localhost" itself: any other resolves through DNS, which may send it anywhere.
    private static bool IsLoopback(string host) =>
        host.Trim().Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim().Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
}
