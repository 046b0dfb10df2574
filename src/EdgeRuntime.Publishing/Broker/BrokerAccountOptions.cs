namespace EdgeRuntime.Publishing.Broker;

/// <summary>An account the embedded broker accepts.</summary>
public sealed class BrokerAccountOptions
{
    /// <summary>User name.</summary>
    public string? Username { get; set; }

    /// <summary>Password. Keep it out of files others can read: an environment variable works (<c>EdgeRuntime__Broker__ReadOnlyAccounts__0__Password</c>).</summary>
    public string? Password { get; set; }
}
