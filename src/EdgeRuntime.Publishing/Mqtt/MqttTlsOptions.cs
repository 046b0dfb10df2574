namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// TLS to an external broker (<c>EdgeRuntime:Mqtt:Tls</c>, with <c>EdgeRuntime:Mqtt:UseTls</c> true). A broker's
/// certificate that does not chain to the CA or does not name the server fails the connection, with the reason in
/// the log; there is no switch to accept it anyway.
/// </summary>
public sealed class MqttTlsOptions
{
    /// <summary>PEM file of the CA(s) the broker's certificate must chain to. Empty: the system's trusted roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate, for brokers that require one (<c>require_certificate true</c> in Mosquitto).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/> (unencrypted; readable by the service only).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The name the broker's certificate must carry. Empty: <c>EdgeRuntime:Mqtt:Host</c>.</summary>
    public string? ServerName { get; set; }

    /// <summary>Whether any TLS setting is given.</summary>
    public bool AnySet => !string.IsNullOrWhiteSpace(CaFile) || !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile) || !string.IsNullOrWhiteSpace(ServerName);

    /// <summary>Every problem with these options.</summary>
    public IEnumerable<string> Validate(string path, bool useTls)
    {
        if (AnySet && !useTls)
        {
            yield return $"{path} is set but EdgeRuntime:Mqtt:UseTls is false: set UseTls to true, or remove the TLS settings.";
        }

        if (string.IsNullOrWhiteSpace(CertificateFile) != string.IsNullOrWhiteSpace(KeyFile))
        {
            yield return $"{path}:{nameof(CertificateFile)} and {path}:{nameof(KeyFile)} must be set together.";
        }

        foreach (var (name, file) in new[] { (nameof(CaFile), CaFile), (nameof(CertificateFile), CertificateFile), (nameof(KeyFile), KeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                yield return $"{path}:{name}: '{Path.GetFullPath(file)}' not found.";
            }
        }
    }
}
