using System.Net;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>The embedded broker's TLS endpoint (<c>EdgeRuntime:Broker:Tls</c>): the only way it listens beyond loopback.</summary>
public sealed class EmbeddedBrokerTlsOptions
{
    /// <summary>TLS port. Default 8883.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>Where TLS listens, at most one IPv4 and one IPv6 address (<c>0.0.0.0</c> for every IPv4 interface). Empty or unset: 127.0.0.1 and ::1.</summary>
    public string[]? Addresses { get; set; }

    /// <summary>The server certificate, PEM. Setting it turns the TLS endpoint on.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The certificate's private key, PEM (unencrypted; keep the file readable by the service only).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Whether the TLS endpoint is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>The TLS endpoint's addresses, defaults applied.</summary>
    public IReadOnlyList<string> EffectiveAddresses => Addresses is { Length: > 0 } ? Addresses : EmbeddedBrokerOptions.DefaultAddresses;

    /// <summary>Every problem with these options.</summary>
    /// <param name="path">Their configuration path.</param>
    /// <param name="anyAccount">Whether any account is configured, so that anonymous access is off.</param>
    public IEnumerable<string> Validate(string path, bool anyAccount)
    {
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(KeyFile) || Addresses is { Length: > 0 })
            {
                yield return $"{path}:{nameof(CertificateFile)} is required when {path}:{nameof(KeyFile)} or {path}:{nameof(Addresses)} is set.";
            }

            yield break;
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{path}:{nameof(Port)} must be between 1 and 65535 (is {Port}).";
        }

        foreach (var (name, file) in new[] { (nameof(CertificateFile), CertificateFile), (nameof(KeyFile), KeyFile) })
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                yield return $"{path}:{name} is required for the TLS endpoint.";
            }
            else if (!File.Exists(file))
            {
                yield return $"{path}:{name}: '{Path.GetFullPath(file)}' not found.";
            }
        }

        var errors = EmbeddedBrokerOptions.EndpointErrors($"{path}:{nameof(Addresses)}", EffectiveAddresses, out var parsed);
        foreach (var error in errors)
        {
            yield return error;
        }

        if (parsed.Any(a => !IPAddress.IsLoopback(a)) && !anyAccount)
        {
            yield return $"{path}:{nameof(Addresses)} reaches beyond this machine, so the broker needs accounts: set EdgeRuntime:Mqtt:Username and Password (anonymous access is off as soon as an account exists).";
        }
    }
}
