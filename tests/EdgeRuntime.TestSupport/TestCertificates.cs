namespace EdgeRuntime.TestSupport;

/// <summary>
/// A small PKI made by Debian's <c>openssl</c> for TLS tests: a CA, a server certificate it signs for
/// <c>localhost</c> and 127.0.0.1 (and one for another name), a client certificate, and a second, unrelated CA whose
/// trust must not be enough. PEM files in a temporary folder, readable by a broker that drops privileges.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string OpenSsl = "/usr/bin/openssl";
    private readonly TempDirectory directory = new();

    /// <summary>Makes every file.</summary>
    public TestCertificates()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The test PKI is made with Debian's openssl.");
        }

        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        MakeCa("ca", "EdgeRuntime test CA");
        MakeCa("rogue-ca", "Someone else's CA");
        MakeSigned("server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth");
        MakeSigned("elsewhere", "ca", "broker.elsewhere.example", "subjectAltName=DNS:broker.elsewhere.example\nextendedKeyUsage=serverAuth");
        MakeSigned("client", "ca", "edgeruntime-service", "extendedKeyUsage=clientAuth");
        foreach (var file in Directory.GetFiles(directory.Path))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }
    }

    /// <summary>The CA's certificate.</summary>
    public string CaFile => Path("ca.crt");

    /// <summary>A CA that signed none of these certificates.</summary>
    public string RogueCaFile => Path("rogue-ca.crt");

    /// <summary>The server certificate (localhost, 127.0.0.1, ::1), signed by <see cref="CaFile"/>.</summary>
    public string ServerCertificate => Path("server.crt");

    /// <summary>Its key.</summary>
    public string ServerKey => Path("server.key");

    /// <summary>A server certificate, signed by the CA, for another host name only.</summary>
    public string ElsewhereCertificate => Path("elsewhere.crt");

    /// <summary>Its key.</summary>
    public string ElsewhereKey => Path("elsewhere.key");

    /// <summary>A client certificate signed by the CA.</summary>
    public string ClientCertificate => Path("client.crt");

    /// <summary>Its key.</summary>
    public string ClientKey => Path("client.key");

    private string Path(string name) => directory.File(name);

    private void MakeCa(string name, string subject) => ExternalTool.Run(OpenSsl,
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={subject}", "-keyout", Path($"{name}.key"), "-out", Path($"{name}.crt")]);

    private void MakeSigned(string name, string ca, string commonName, string extensions)
    {
        var ext = Path($"{name}.ext");
        File.WriteAllText(ext, extensions + "\n");
        ExternalTool.Run(OpenSsl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", $"/CN={commonName}", "-keyout", Path($"{name}.key"), "-out", Path($"{name}.csr")]);
        ExternalTool.Run(OpenSsl, ["x509", "-req", "-in", Path($"{name}.csr"), "-CA", Path($"{ca}.crt"), "-CAkey", Path($"{ca}.key"), "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", Path($"{name}.crt")]);
    }

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();
}
