using System.Net;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// The embedded broker's endpoints and its read-only accounts. Bound from <c>EdgeRuntime:Broker</c>; used only when
/// <c>EdgeRuntime:Mqtt:Host</c> is empty. The service and admin accounts are <c>EdgeRuntime:Mqtt</c>'s, because the
/// service's own client uses them too. Plain MQTT listens on loopback only; beyond it, only TLS with accounts.
/// </summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Broker";

    /// <summary>The loopback addresses plain MQTT listens on, at most one IPv4 and one IPv6 (an MQTTnet endpoint binds one of each).</summary>
    public static readonly IReadOnlyList<string> DefaultAddresses = ["127.0.0.1", "::1"];

    /// <summary>
    /// Where plain MQTT (<c>EdgeRuntime:Mqtt:Port</c>) listens: loopback addresses only. Empty or unset: 127.0.0.1
    /// and ::1. (Unset rather than defaulted here, because configuration binding appends to a list it finds filled.)
    /// </summary>
    public string[]? Addresses { get; set; }

    /// <summary>Accounts that may read results, state and metrics and ask tasks read-only questions (an LIS).</summary>
    public List<BrokerAccountOptions> ReadOnlyAccounts { get; } = [];

    /// <summary>The TLS endpoint; off unless a certificate is given.</summary>
    public EmbeddedBrokerTlsOptions Tls { get; } = new();

    /// <summary>
    /// Seconds a new connection has to finish its TLS handshake and send CONNECT; then it is closed. Default 5.
    /// </summary>
    public double ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Connections open at once, those still connecting included; one more is closed as soon as it is accepted.
    /// Default 256.
    /// </summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>
    /// Largest MQTT packet a client may send, in bytes (the whole packet: header, topic, properties, payload); a
    /// larger one closes its connection before its body is read. Announced to MQTT 5 clients in CONNACK. The first
    /// packet (CONNECT, before the client is known) may be at most 64 KiB. Default 4 MiB (a result document is a few KiB).
    /// </summary>
    public int MaxPacketBytes { get; set; } = 4 << 20;

    /// <summary>
    /// The broker's sessions, queued messages, retained messages and client-id reservations, SQLite. Empty (the
    /// default): <c>broker.db</c> beside the journal (<c>EdgeRuntime:Journal:DatabasePath</c>).
    /// </summary>
    public string? StatePath { get; set; }

    /// <summary>
    /// Longest time, in hours, a persistent session (and what is queued for it) is kept after its client
    /// disconnected, whatever expiry the client asked for (an MQTT 3.1.1 session asks for none, so never expires
    /// without this). Default 168 (a week, as results expire).
    /// </summary>
    public double MaxSessionExpiryHours { get; set; } = 168;

    /// <summary>Messages kept for one session while its client is away; beyond it the oldest is dropped. Default 10000.</summary>
    public int MaxQueuedMessagesPerSession { get; set; } = 10000;

    /// <summary>The broker's state file: <see cref="StatePath"/>, or <c>broker.db</c> beside the journal's file.</summary>
    public static string StateFile(EmbeddedBrokerOptions options, string journalPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrWhiteSpace(options.StatePath) ? options.StatePath : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(journalPath))!, "broker.db");
    }

    /// <summary>The size limit of the first packet (CONNECT) of a connection.</summary>
    internal const int MaxConnectPacketBytes = 64 << 10;

    /// <summary>The plain endpoint's addresses, defaults applied.</summary>
    public IReadOnlyList<string> EffectiveAddresses => Addresses is { Length: > 0 } ? Addresses : DefaultAddresses;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    /// <param name="anyAccount">Whether the service or admin account is configured (<c>EdgeRuntime:Mqtt:Username</c>, <c>AdminUsername</c>).</param>
    /// <param name="reservedNames">User names already taken by the service and admin accounts.</param>
    public IEnumerable<string> Validate(bool anyAccount, IReadOnlyCollection<string> reservedNames)
    {
        ArgumentNullException.ThrowIfNull(reservedNames);
        foreach (var error in EndpointErrors($"{Section}:{nameof(Addresses)}", EffectiveAddresses, out _))
        {
            yield return error;
        }

        for (var i = 0; i < EffectiveAddresses.Count; i++)
        {
            if (IPAddress.TryParse(EffectiveAddresses[i], out var address) && !IPAddress.IsLoopback(address))
            {
                yield return $"{Section}:{nameof(Addresses)}:{i} is '{EffectiveAddresses[i]}', not a loopback address: plain MQTT never leaves this machine. "
                    + $"To listen beyond it, set {Section}:Tls:CertificateFile, {Section}:Tls:KeyFile and {Section}:Tls:Addresses, and the accounts (EdgeRuntime:Mqtt:Username).";
            }
        }

        if (!(ConnectTimeoutSeconds is > 0 and <= 600))
        {
            yield return $"{Section}:{nameof(ConnectTimeoutSeconds)} must be more than 0 and at most 600 (is {ConnectTimeoutSeconds}).";
        }

        if (MaxConnections is < 1 or > 100_000)
        {
            yield return $"{Section}:{nameof(MaxConnections)} must be between 1 and 100000 (is {MaxConnections}).";
        }

        if (MaxPacketBytes is < 1024 or > 268_435_455)
        {
            yield return $"{Section}:{nameof(MaxPacketBytes)} must be between 1024 and 268435455, MQTT's largest (is {MaxPacketBytes}).";
        }

        if (!(MaxSessionExpiryHours >= 0))
        {
            yield return $"{Section}:{nameof(MaxSessionExpiryHours)} must be 0 or more (is {MaxSessionExpiryHours}).";
        }

        if (MaxQueuedMessagesPerSession < 1)
        {
            yield return $"{Section}:{nameof(MaxQueuedMessagesPerSession)} must be at least 1 (is {MaxQueuedMessagesPerSession}).";
        }

        // The built-in service account's name is taken even when a configured service account replaces it.
        var names = new HashSet<string>(reservedNames, StringComparer.Ordinal) { Mqtt.ServiceAccount.BuiltInUsername };
        for (var i = 0; i < ReadOnlyAccounts.Count; i++)
        {
            var account = ReadOnlyAccounts[i];
            var path = $"{Section}:{nameof(ReadOnlyAccounts)}:{i}";
            if (string.IsNullOrWhiteSpace(account.Username) || string.IsNullOrEmpty(account.Password))
            {
                yield return $"{path}: Username and Password are both required.";
            }
            else if (account.Username.IndexOfAny(['/', '+', '#']) >= 0)
            {
                yield return $"{path}:Username '{account.Username}' must not contain '/', '+' or '#': it names the account's reply topics.";
            }
            else if (!names.Add(account.Username))
            {
                yield return $"{path}:Username '{account.Username}' is already an account: each account has one role.";
            }
        }

        foreach (var error in Tls.Validate($"{Section}:Tls", anyAccount || ReadOnlyAccounts.Count > 0))
        {
            yield return error;
        }
    }

    /// <summary>Problems with a list of addresses for one MQTTnet endpoint; <paramref name="parsed"/> gets the addresses that parse.</summary>
    internal static IEnumerable<string> EndpointErrors(string path, IReadOnlyList<string> addresses, out List<IPAddress> parsed)
    {
        var errors = new List<string>();
        parsed = [];
        for (var i = 0; i < addresses.Count; i++)
        {
            if (IPAddress.TryParse(addresses[i], out var address))
            {
                parsed.Add(address);
            }
            else
            {
                errors.Add($"{path}:{i} is '{addresses[i]}', not an IP address.");
            }
        }

        foreach (var family in parsed.GroupBy(a => a.AddressFamily).Where(g => g.Count() > 1))
        {
            errors.Add($"{path}: at most one {(family.Key == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} address (is {string.Join(", ", family)}); the broker binds one of each.");
        }

        return errors;
    }
}
