namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>Reads the reason code of an MQTT 5 DISCONNECT packet (MQTT 5.0, section 3.14).</summary>
internal static class DisconnectPacket
{
    private const byte PacketType = 0xE0; // type 14, no flags

    /// <summary>The reason code, if <paramref name="packet"/> is a DISCONNECT; 0 (normal) when it carries none.</summary>
    public static int? ReasonCode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2 || packet[0] != PacketType)
        {
            return null;
        }

        // The remaining length is a variable byte integer of one to four bytes; the reason code follows it.
        var index = 1;
        var remaining = 0;
        for (var shift = 0; index < packet.Length && shift <= 21; shift += 7)
        {
            var b = packet[index++];
            remaining |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return remaining == 0 ? 0 : index < packet.Length ? packet[index] : null;
            }
        }

        return null;
    }
}
