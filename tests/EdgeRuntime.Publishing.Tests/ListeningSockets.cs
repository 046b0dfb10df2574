using System.Globalization;
using System.Net;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// The addresses on which something listens on a TCP port, read from the kernel's own tables (/proc/net/tcp and
/// tcp6), so that a test sees what is bound, not what a client happens to reach.
/// </summary>
internal static class ListeningSockets
{
    private const string Listen = "0A";

    public static IReadOnlySet<IPAddress> On(int port)
    {
        var found = new HashSet<IPAddress>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] == Listen && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    found.Add(Decode(local[0]));
                }
            }
        }

        return found;
    }

    // The kernel prints each 32-bit word of the address in host (little-endian) order.
    private static IPAddress Decode(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var i = 0; i < 4; i++)
            {
                bytes[(word * 4) + i] = byte.Parse(hex.AsSpan((word * 8) + ((3 - i) * 2), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        return new IPAddress(bytes);
    }
}
