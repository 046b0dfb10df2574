namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// A client connection's stream that follows MQTT's framing as the broker reads it (a type byte, the remaining
/// length in up to four bytes, the body) and fails the read that completes a packet's length when the packet is
/// larger than allowed, before its body is read: MQTTnet would otherwise allocate whatever length a client declares
/// (up to 256 MiB a packet), and before CONNECT, for anyone who can reach the port. The first packet of a
/// connection (CONNECT) has its own, smaller limit. With <c>answerConnect</c>, a first packet that is a CONNECT is
/// also kept as it is read and given to it when its last byte came, before the broker gets that byte: if it returns
/// an answer, the answer is written and the read fails, so that the broker never decodes the packet.
/// </summary>
internal sealed class PacketSizeLimitedStream(Stream inner, int firstPacketLimit, int packetLimit, Action<long, int> tooLarge, Func<byte[], byte[]?>? answerConnect = null) : Stream
{
    private const int ConnectType = 1;

    private enum Part
    {
        Type,
        Length,
        Body,
    }

    private Part part = Part.Type;
    private long length;
    private int lengthBytes;
    private long bodyLeft;
    private bool first = true;
    private byte type;
    private byte[]? connect;
    private int connectRead;

    /// <summary>Whether the header of a first packet (CONNECT) came.</summary>
    public bool SawPacket => !first;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (Follow(buffer[..n]) is { } answer)
        {
            inner.Write(answer);
            inner.Flush();
            throw new ConnectRefusedException();
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (Follow(buffer.Span[..n]) is { } answer)
        {
            await inner.WriteAsync(answer, cancellationToken).ConfigureAwait(false);
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            throw new ConnectRefusedException();
        }

        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // Returns the answer to a refused CONNECT, once its last byte came; null otherwise.
    private byte[]? Follow(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (part)
            {
                case Part.Type:
                    (part, length, lengthBytes, type) = (Part.Length, 0, 0, data[i]);
                    i++;
                    break;
                case Part.Length:
                    var b = data[i++];
                    length |= (long)(b & 0x7F) << (7 * lengthBytes);
                    lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        if (lengthBytes == 4)
                        {
                            throw new PacketTooLargeException("a malformed remaining length (more than four bytes)");
                        }

                        break;
                    }

                    var total = 1 + lengthBytes + length;
                    var limit = first ? Math.Min(firstPacketLimit, packetLimit) : packetLimit;
                    if (total > limit)
                    {
                        tooLarge(total, limit);
                        throw new PacketTooLargeException($"a packet of {total} bytes, more than {limit}");
                    }

                    if (first && answerConnect is not null && type >> 4 == ConnectType && length > 0)
                    {
                        // At most the first packet's own limit (64 KiB), checked just above.
                        (connect, connectRead) = (new byte[length], 0);
                    }

                    first = false;
                    (part, bodyLeft) = length == 0 ? (Part.Type, 0) : (Part.Body, length);
                    break;
                default:
                    var skip = (int)Math.Min(bodyLeft, data.Length - i);
                    if (connect is not null)
                    {
                        data.Slice(i, skip).CopyTo(connect.AsSpan(connectRead));
                        connectRead += skip;
                    }

                    i += skip;
                    bodyLeft -= skip;
                    if (bodyLeft == 0)
                    {
                        part = Part.Type;
                        if (connect is not null)
                        {
                            var body = connect;
                            connect = null;
                            if (answerConnect!(body) is { } answer)
                            {
                                return answer;
                            }
                        }
                    }

                    break;
            }
        }

        return null;
    }
}

/// <summary>The broker answered a client's CONNECT with a refusal of its own; the connection is closed.</summary>
internal sealed class ConnectRefusedException() : IOException("Closed: the CONNECT was refused.");

/// <summary>A client sent a packet larger than the broker accepts; its connection is closed.</summary>
internal sealed class PacketTooLargeException(string what) : IOException($"Closed: {what}.");
