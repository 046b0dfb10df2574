using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// A real Mosquitto broker (Debian's <c>mosquitto</c>) on a free loopback port, with persistence so that a
/// stop and start keeps sessions and queued messages, as a production broker would. Started as root, Mosquitto drops
/// to the <c>mosquitto</c> user before it reads its password and ACL files, so every file it reads is a copy in its
/// own folder, readable by that user wherever the checkout lives (a private /root or <c>mktemp -d</c> one too).
/// </summary>
public sealed class Mosquitto : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly string config;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> log = new();
    private Process? process;

    /// <summary>Writes the configuration and starts the broker: anonymous clients allowed, no ACL.</summary>
    public Mosquitto()
        : this(null, null)
    {
    }

    /// <summary>
    /// Starts a broker that accepts only <paramref name="users"/> (name → password, hashed with Debian's
    /// <c>mosquitto_passwd</c>) under the ACL file <paramref name="aclFile"/>.
    /// </summary>
    public Mosquitto(IReadOnlyDictionary<string, string>? users, string? aclFile)
        : this(users, aclFile, null)
    {
    }

    /// <summary>As above, plus a TLS listener on <see cref="TlsPort"/> with <paramref name="tls"/>'s server certificate.</summary>
    public Mosquitto(IReadOnlyDictionary<string, string>? users, string? aclFile, MosquittoTls? tls)
    {
        Port = FreePort();
        TlsPort = tls is null ? 0 : FreePort();
        config = directory.File("mosquitto.conf");
        var security = "allow_anonymous true";
        if (users is not null)
        {
            var passwords = directory.File("passwd");
            foreach (var (user, password) in users)
            {
                ExternalTool.Run("/usr/bin/mosquitto_passwd", File.Exists(passwords) ? ["-b", passwords, user, password] : ["-b", "-c", passwords, user, password]);
            }

            security = $"allow_anonymous false\npassword_file {passwords}";
        }

        if (aclFile is not null)
        {
            var copy = directory.File("edgeruntime.acl");
            File.Copy(aclFile, copy);
            security += $"\nacl_file {copy}";
        }

        // The broker's own folder and files, readable (and its persistence writable) by the user it drops to.
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Debian's mosquitto is started by the tests on Linux only.");
        }

        File.SetUnixFileMode(directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var tlsListener = string.Empty;
        if (tls is not null)
        {
            // per_listener_settings false (the default): security applies to both listeners.
            foreach (var (name, file) in new[] { ("ca.crt", tls.CaFile), ("server.crt", tls.CertificateFile), ("server.key", tls.KeyFile) })
            {
                File.Copy(file, directory.File(name));
            }

            tlsListener = $"listener {TlsPort} 127.0.0.1\ncafile {directory.File("ca.crt")}\ncertfile {directory.File("server.crt")}\nkeyfile {directory.File("server.key")}\nrequire_certificate {(tls.RequireClientCertificate ? "true" : "false")}";
        }

        File.WriteAllText(config, $"""
            listener {Port} 127.0.0.1
            {tlsListener}
            {security}
            persistence true
            persistence_location {directory.Path}/
            autosave_interval 1
            log_dest stderr
            """);
        foreach (var file in Directory.GetFiles(directory.Path))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        Start();
    }

    /// <summary>What the broker wrote to its standard error (its log).</summary>
    public string Log => string.Join(Environment.NewLine, log);

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The TLS listener's port; 0 without TLS.</summary>
    public int TlsPort { get; }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the broker and waits until it accepts connections.</summary>
    public void Start()
    {
        var info = new ProcessStartInfo("/usr/sbin/mosquitto") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (SocketException e)
            {
                // Say why: the broker's own words (a file it cannot read, a bad line), not only "connection refused".
                throw new InvalidOperationException($"mosquitto did not accept connections on 127.0.0.1:{Port} ({(process.HasExited ? $"exited with {process.ExitCode}" : "still starting")}): {e.Message}{Environment.NewLine}{Log}", e);
            }
        }
    }

    /// <summary>Deletes the broker's persistence file (retained messages, sessions, queues), as a broker rebuilt from scratch; call while it is stopped.</summary>
    public void WipePersistence()
    {
        foreach (var file in Directory.GetFiles(directory.Path, "*.db"))
        {
            File.Delete(file);
        }
    }

    /// <summary>Stops the broker gracefully (it saves its persistence file).</summary>
    public void Stop()
    {
        if (process is { HasExited: false })
        {
            // SIGTERM: mosquitto writes its persistence file on the way out (SIGKILL would lose the sessions).
            using var kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
            process.WaitForExit();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        process?.Dispose();
        directory.Dispose();
    }
}

/// <summary>A TLS listener's files for <see cref="Mosquitto"/>.</summary>
/// <param name="CaFile">The CA that client certificates must chain to.</param>
/// <param name="CertificateFile">The broker's certificate.</param>
/// <param name="KeyFile">Its key.</param>
/// <param name="RequireClientCertificate">Whether clients must present a certificate signed by the CA.</param>
public sealed record MosquittoTls(string CaFile, string CertificateFile, string KeyFile, bool RequireClientCertificate);
