using System.Security.Cryptography;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The account and client id the service's own MQTT client uses. With the embedded broker and no
/// <c>EdgeRuntime:Mqtt:Username</c>, it is an account only this process knows (a random password made at start), so
/// that even with no accounts configured no other client can publish as the node.
/// </summary>
public sealed class ServiceAccount(MqttOptions options)
{
    /// <summary>The user name of the built-in account when none is configured.</summary>
    public const string BuiltInUsername = "edgeruntime-service";

    private readonly string builtInPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>User name; null on an external broker with none configured (anonymous).</summary>
    public string? Username => !string.IsNullOrEmpty(options.Username) ? options.Username : options.Embedded ? BuiltInUsername : null;

    /// <summary>Password, as <see cref="Username"/>.</summary>
    public string? Password => !string.IsNullOrEmpty(options.Username) ? options.Password : options.Embedded ? builtInPassword : null;

    /// <summary>The client id, which the embedded broker keeps for this account.</summary>
    public string ClientId => $"edgeruntime-{options.NodeId}";
}
