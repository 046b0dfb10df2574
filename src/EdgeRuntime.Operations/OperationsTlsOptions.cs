namespace EdgeRuntime.Operations;

/// <summary>The operations endpoint's HTTPS certificate (<c>EdgeRuntime:Operations:Tls</c>).</summary>
public sealed class OperationsTlsOptions
{
    /// <summary>The server certificate, PEM. Setting it turns TLS on.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Its private key, PEM (unencrypted; readable by the service only).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Whether TLS is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>Every problem with these options.</summary>
    /// <param name="path">Their configuration path.</param>
    public IEnumerable<string> Validate(string path)
    {
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(KeyFile))
            {
                yield return $"{path}:{nameof(CertificateFile)} is required when {path}:{nameof(KeyFile)} is set.";
            }

            yield break;
        }

        foreach (var (name, file) in new[] { (nameof(CertificateFile), CertificateFile), (nameof(KeyFile), KeyFile) })
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                yield return $"{path}:{name} is required for TLS.";
            }
            else if (!File.Exists(file))
            {
                yield return $"{path}:{name}: '{Path.GetFullPath(file)}' not found.";
            }
        }
    }
}
