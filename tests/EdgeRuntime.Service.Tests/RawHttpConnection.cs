using System.Net.Sockets;
using System.Text;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// One TCP connection to an HTTP endpoint that the test drives byte by byte, as an idle, slow or oversized client
/// would: HttpClient cannot hold a socket open without a request, nor send a header it thinks too large.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<byte> received = [];

    private RawHttpConnection()
    {
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri endpoint)
    {
        var connection = new RawHttpConnection();
        await connection.socket.ConnectAsync(endpoint.Host, endpoint.Port);
        return connection;
    }

    /// <summary>Sends text as is; false where the server has already closed the connection.</summary>
    public async Task<bool> SendAsync(string text)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(text));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The status code of the answer, or null where the server closed the connection without one.</summary>
    public async Task<int?> ReadStatusAsync(CancellationToken cancellation)
    {
        var buffer = new byte[4096];
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, cancellation);
            }
            catch (SocketException)
            {
                return null; // reset: closed with our request unread
            }

            if (read == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        // "HTTP/1.1 431 Request Header Fields Too Large"
        var statusLine = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads (and drops) until the server closes the connection: true; false if it is still open when <paramref name="cancellation"/> ends.</summary>
    public async Task<bool> ClosedByServerAsync(CancellationToken cancellation)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, cancellation) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => socket.Dispose();
}
