using System.Buffers.Binary;
using System.Text;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// The client ids a CONNECT's protocol version does not allow empty, answered as the standard says before MQTTnet
/// decodes the packet: MQTT 3.1.1 without a clean session (§3.1.3.1: a session to come back to needs an id of its
/// own) and MQTT 3.1 always (ids of 1 to 23 characters) get CONNACK 0x02, identifier rejected, and the connection
/// is closed. MQTTnet's decoder throws on the first and closes the connection unanswered, so a client could not
/// tell a refusal from a network fault; an MQTT 5 client without an id is assigned one, as is a 3.1.1 one with a
/// clean session (<see cref="EmbeddedBroker"/>).
/// </summary>
internal static class ConnectClientIdCheck
{
    /// <summary>CONNACK of MQTT 3.1 and 3.1.1: no session present, return code 0x02 (identifier rejected).</summary>
    public static readonly byte[] IdentifierRejected = [0x20, 0x02, 0x00, 0x02];

    private const byte CleanSession = 0x02;
    private const byte WillFlag = 0x04;
    private const byte UserNameFlag = 0x80;

    /// <summary>
    /// Why the CONNECT whose variable header and payload are <paramref name="body"/> is refused for its empty client
    /// id, with the user name it gives (empty if none); null when its client id is not the problem. A body this does not
    /// parse is left to MQTTnet, which refuses malformed packets itself.
    /// </summary>
    public static string? Refusal(ReadOnlySpan<byte> body, out string user)
    {
        user = string.Empty;
        var at = 0;
        if (!Text(body, ref at, out var protocol) || at + 4 > body.Length)
        {
            return null;
        }

        var level = body[at];
        var flags = body[at + 1];
        at += 4; // level, flags, keep alive
        if (level is not (3 or 4) || !Text(body, ref at, out var clientId) || clientId.Length > 0)
        {
            return null;
        }

        if (level == 4 && (flags & CleanSession) != 0)
        {
            return null;
        }

        if ((flags & WillFlag) != 0 && !(Text(body, ref at, out _) && Text(body, ref at, out _)))
        {
            return null;
        }

        if ((flags & UserNameFlag) != 0 && Text(body, ref at, out var name))
        {
            user = Encoding.UTF8.GetString(name);
        }

        return level == 4
            ? "MQTT 3.1.1 without a clean session needs a client id of its own (a session to come back to); answered identifier rejected"
            : $"MQTT 3.1 ({Encoding.ASCII.GetString(protocol)}) needs a client id of 1 to 23 characters; answered identifier rejected";
    }

    // A length-prefixed field (a string or binary data): two bytes of length, then the bytes.
    private static bool Text(ReadOnlySpan<byte> body, ref int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (at + 2 > body.Length)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        if (at + 2 + length > body.Length)
        {
            return false;
        }

        value = body.Slice(at + 2, length);
        at += 2 + length;
        return true;
    }
}
