using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EdgeRuntime.Lis.Tests;

/// <summary>A loopback MLLP receiver: records each framed message and answers with the acknowledgement code it is given.</summary>
internal sealed class MllpListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly string ackCode;
    private readonly X509Certificate2? certificate;

    /// <summary>A listener; with <paramref name="certificateFile"/> and <paramref name="keyFile"/> (PEM), MLLP over TLS.</summary>
    public MllpListener(string ackCode = "AA", string? certificateFile = null, string? keyFile = null)
    {
        this.ackCode = ackCode;
        certificate = certificateFile is null ? null : X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public List<string> Messages { get; } = [];

    public SemaphoreSlim Received { get; } = new(0);

    /// <summary>TLS handshakes tried (completed or refused by the client).</summary>
    public int Handshakes { get; private set; }

    private bool disposed;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Stream stream = client.GetStream();
                if (certificate is not null)
                {
                    var tls = new SslStream(stream);
                    try
                    {
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, stop.Token);
                    }
                    catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
                    {
                        // The client refused the certificate: nothing was received.
                        Handshakes++;
                        await tls.DisposeAsync();
                        continue;
                    }

                    Handshakes++;
                    stream = tls;
                }

                var bytes = new List<byte>();
                var buffer = new byte[8192];
                while (!bytes.Contains(0x1C))
                {
                    var read = await stream.ReadAsync(buffer, stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    bytes.AddRange(buffer.AsSpan(0, read));
                }

                var message = Encoding.UTF8.GetString([.. bytes.Skip(1).TakeWhile(b => b != 0x1C)]);
                var control = message.Split('\r')[0].Split('|')[9];
                var ack = $"MSH|^~\\&|LIS||EdgeRuntime||20260101000000||ACK^R01^ACK|A{control}|P|2.5.1\rMSA|{ackCode}|{control}|{(ackCode == "AA" ? "" : "OBR-2 accession S24-01234 is not an open case")}\r";
                // Kept before the acknowledgement goes out: the sender returns on the ACK and the test looks at once.
                lock (Messages)
                {
                    Messages.Add(message);
                }

                await stream.WriteAsync(new byte[] { 0x0B }.Concat(Encoding.UTF8.GetBytes(ack)).Concat(new byte[] { 0x1C, 0x0D }).ToArray(), stop.Token);
                Received.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
            // Stopped.
        }
    }
}
