using System.Net;

namespace EdgeRuntime.Operations;

/// <summary>
/// The operations endpoint (<c>EdgeRuntime:Operations</c>): <c>/metrics</c> for Prometheus, <c>/health/live</c> and
/// <c>/health/ready</c> for probes. On 127.0.0.1 by default; any other address needs TLS and at least one account.
/// </summary>
public sealed class OperationsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeRuntime:Operations";

    /// <summary>Whether the endpoint runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address it listens on. Default 127.0.0.1; anything but loopback needs <see cref="Tls"/> and <see cref="Accounts"/>.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The port. Default 9464 (the port Prometheus' registry lists for OpenTelemetry exporters); 0 picks a free one and logs it.</summary>
    public int Port { get; set; } = 9464;

    /// <summary>The HTTPS certificate. Setting it turns TLS on; required beyond loopback.</summary>
    public OperationsTlsOptions Tls { get; set; } = new();

    /// <summary>Accounts allowed to read the endpoint, with HTTP basic authentication; required beyond loopback.</summary>
    public List<OperationsAccountOptions> Accounts { get; set; } = [];

    /// <summary>
    /// The endpoint's address as other machines reach it (<c>https://scanner-box-1:9464/</c>): results then name their
    /// artefacts by absolute URL; unset, by a link relative to the endpoint.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Readiness fails while a sink has more undelivered events than this. Default 10000.</summary>
    public long ReadyOutboxBound { get; set; } = 10_000;

    /// <summary>Connections open at once, idle ones included; one more is closed as soon as it is accepted. Default 64.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>How long a connection may sit idle, before its first request or between two. Default 30 (a 15 s scrape interval reuses its connection).</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How long a client has to send a request's headers once it has begun. Default 10.</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>The request line (method, path, version) at most, in bytes; longer gets 414. Default 4096.</summary>
    public int MaxRequestLineBytes { get; set; } = 4096;

    /// <summary>All of a request's headers together at most, in bytes; more gets 431. Default 16384.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Headers in one request at most; more gets 431. Default 32.</summary>
    public int MaxRequestHeaderCount { get; set; } = 32;

    /// <summary>Whether <see cref="Address"/> is a loopback address.</summary>
    public bool IsLoopback => IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip);

    /// <summary>Every problem with these options, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!IPAddress.TryParse(Address, out _))
        {
            yield return $"{Section}:{nameof(Address)}: '{Address}' is not an IP address (for every IPv4 interface, 0.0.0.0).";
        }

        if (Port is < 0 or > 65535)
        {
            yield return $"{Section}:{nameof(Port)} must be between 0 and 65535 (is {Port}).";
        }

        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUrl) || publicUrl.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(publicUrl.Query)))
        {
            yield return $"{Section}:{nameof(PublicUrl)}: '{PublicUrl}' is not an absolute http or https address without a query.";
        }

        if (ReadyOutboxBound < 1)
        {
            yield return $"{Section}:{nameof(ReadyOutboxBound)} must be at least 1 (is {ReadyOutboxBound}).";
        }

        foreach (var (key, value, low, high) in new[]
        {
            (nameof(MaxConnections), MaxConnections, 1, 10_000),
            (nameof(KeepAliveSeconds), KeepAliveSeconds, 1, 600),
            (nameof(RequestHeadersTimeoutSeconds), RequestHeadersTimeoutSeconds, 1, 600),
            (nameof(MaxRequestLineBytes), MaxRequestLineBytes, 256, 65_536),
            (nameof(MaxRequestHeaderBytes), MaxRequestHeaderBytes, 1024, 1_048_576),
            (nameof(MaxRequestHeaderCount), MaxRequestHeaderCount, 4, 1000),
        })
        {
            if (value < low || value > high)
            {
                yield return $"{Section}:{key} must be between {low} and {high} (is {value}).";
            }
        }

        foreach (var error in Tls.Validate($"{Section}:{nameof(Tls)}"))
        {
            yield return error;
        }

        for (var i = 0; i < Accounts.Count; i++)
        {
            foreach (var error in Accounts[i].Validate($"{Section}:{nameof(Accounts)}:{i}"))
            {
                yield return error;
            }
        }

        if (Accounts.Select(a => a.Username).Distinct(StringComparer.Ordinal).Count() != Accounts.Count)
        {
            yield return $"{Section}:{nameof(Accounts)}: a user name is listed twice.";
        }

        if (IPAddress.TryParse(Address, out _) && !IsLoopback)
        {
            if (!Tls.Enabled)
            {
                yield return $"{Section}:{nameof(Address)} is {Address}, beyond loopback: set {Section}:{nameof(Tls)}:{nameof(OperationsTlsOptions.CertificateFile)} so that metrics and health travel over TLS.";
            }

            if (Accounts.Count == 0)
            {
                yield return $"{Section}:{nameof(Address)} is {Address}, beyond loopback: add {Section}:{nameof(Accounts)} so that only known readers see the metrics.";
            }
        }
    }
}
