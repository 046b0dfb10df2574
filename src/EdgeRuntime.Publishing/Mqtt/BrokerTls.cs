using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The client's TLS settings for an external broker: the broker's certificate must chain to the configured CA (or
/// the system's roots) and name the server; a refusal is logged with what was wrong, and never overridden.
/// </summary>
internal static class BrokerTls
{
    /// <summary>The TLS options for <paramref name="options"/>, whose <see cref="MqttOptions.UseTls"/> is true.</summary>
    public static MqttClientTlsOptions Build(MqttOptions options, ILogger logger)
    {
        var tls = options.Tls;
        var authorities = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(tls.CaFile))
        {
            authorities.ImportFromPemFile(tls.CaFile);
        }

        var serverName = string.IsNullOrWhiteSpace(tls.ServerName) ? options.Host! : tls.ServerName;
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(serverName)
            .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
            .WithCertificateValidationHandler(e =>
            {
                var problem = Problem(e.Certificate, e.SslPolicyErrors, authorities, serverName);
                if (problem is not null)
                {
                    PublishingLog.CertificateRefused(logger, options.Host!, options.Port, e.Certificate?.Subject ?? "(none)", problem);
                }

                return problem is null;
            });
        if (!string.IsNullOrWhiteSpace(tls.CertificateFile))
        {
            // SslStream on Linux wants a certificate whose key it can use: load the PEM pair, then re-import it.
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
            builder.WithClientCertificates([X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)]);
        }

        return builder.Build();
    }

    /// <summary>What is wrong with the broker's certificate, or null if nothing is.</summary>
    internal static string? Problem(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities, string serverName)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "was not sent";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"does not name the server '{serverName}'";
        }

        if (authorities.Count == 0)
        {
            return errors == SslPolicyErrors.None ? null : "does not chain to a root this system trusts";
        }

        // A configured CA: trust it alone (not the system's roots), as a site's own PKI intends.
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a site CA rarely publishes a CRL the box can reach
        if (chain.Build(leaf))
        {
            return null;
        }

        var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"does not chain to the configured CA ({status})";
    }
}
