using System.Security.Cryptography;
using System.Text;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Publishing.Mqtt;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// Who may connect to the embedded broker, and with which role: the service account, the admin account, the read-only
/// accounts. Anonymous clients are let in, as read-only, only while no account at all is configured (a box on its
/// own, loopback only); as soon as one is, every client needs an account.
/// </summary>
internal sealed class BrokerAccounts
{
    private readonly Dictionary<string, (byte[] Password, CallerRole Role)> accounts = new(StringComparer.Ordinal);

    /// <summary>Collects the accounts from the options.</summary>
    public BrokerAccounts(MqttOptions mqtt, EmbeddedBrokerOptions broker, ServiceAccount service)
    {
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(service);
        // With an external broker (no embedded one to let anyone in), the service may have no account at all.
        if (service.Username is { } serviceUser)
        {
            Add(serviceUser, service.Password ?? string.Empty, CallerRole.Service);
        }

        if (mqtt.AdminEnabled)
        {
            Add(mqtt.AdminUsername!, mqtt.AdminPassword!, CallerRole.Admin);
        }

        foreach (var account in broker.ReadOnlyAccounts)
        {
            Add(account.Username!, account.Password!, CallerRole.ReadOnly);
        }

        AnonymousAllowed = string.IsNullOrEmpty(mqtt.Username) && !mqtt.AdminEnabled && broker.ReadOnlyAccounts.Count == 0;
        ServiceClientId = service.ClientId;
        ServiceUsername = service.Username ?? string.Empty;
    }

    /// <summary>Whether clients without an account get in (as read-only).</summary>
    public bool AnonymousAllowed { get; }

    /// <summary>The client id only the service account may use.</summary>
    public string ServiceClientId { get; }

    /// <summary>The service account's user name.</summary>
    public string ServiceUsername { get; }

    /// <summary>The role a client connecting with these credentials gets, or null if it is refused.</summary>
    public CallerRole? Authenticate(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username))
        {
            return AnonymousAllowed && string.IsNullOrEmpty(password) ? CallerRole.ReadOnly : null;
        }

        if (!accounts.TryGetValue(username, out var account))
        {
            return null;
        }

        var given = Encoding.UTF8.GetBytes(password ?? string.Empty);
        return CryptographicOperations.FixedTimeEquals(given, account.Password) ? account.Role : null;
    }

    /// <summary>The role of the account <paramref name="username"/> ("" for anonymous), or null if there is no such account now.</summary>
    public CallerRole? RoleOf(string username) =>
        string.IsNullOrEmpty(username) ? (AnonymousAllowed ? CallerRole.ReadOnly : null)
        : accounts.TryGetValue(username, out var account) ? account.Role : null;

    private void Add(string username, string password, CallerRole role) => accounts[username] = (Encoding.UTF8.GetBytes(password), role);
}
