using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// Reads a request's body, whatever the transport (an MQTT payload, the CLI's <c>--body</c>), with its bounds: its
/// size is checked before a byte is decoded, its nesting while it is parsed, and it must be a JSON object. Handlers
/// then read its fields with <see cref="RequestFields"/>, so that no request reaches a handler unbounded.
/// </summary>
public static class RequestBody
{
    /// <summary>The default largest body, in bytes (64 KiB: a text query, a vector of a few thousand numbers).</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    /// <summary>The deepest nesting of objects and arrays accepted (a body's fields are a level or two deep).</summary>
    public const int MaxDepth = 16;

    /// <summary>The longest request name, in bytes (<c>tasks/{task}/{request}</c>).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>The body in <paramref name="utf8"/>; an empty body is an empty object.</summary>
    /// <param name="utf8">The body as UTF-8 JSON.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <exception cref="RequestRefusedException">Larger than <paramref name="maxBytes"/>, not JSON, too deep, or not an object.</exception>
    public static JsonObject Read(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length > maxBytes)
        {
            throw TooLarge(utf8.Length, maxBytes);
        }

        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return [];
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
            return JsonNode.Parse(ref reader) as JsonObject ?? throw new RequestRefusedException("payload: the body must be a JSON object ({...}).");
        }
        catch (JsonException e)
        {
            throw new RequestRefusedException(string.Create(CultureInfo.InvariantCulture, $"payload: not valid JSON, or nested deeper than {MaxDepth} levels (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
    }

    /// <summary>The body in <paramref name="text"/> (see <see cref="Read(ReadOnlySpan{byte}, int)"/>).</summary>
    /// <exception cref="RequestRefusedException">As for the bytes.</exception>
    public static JsonObject Read(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Each character is at least a byte: a text longer than the limit is refused before it is encoded.
        return text.Length > maxBytes ? throw TooLarge(text.Length, maxBytes) : Read(Encoding.UTF8.GetBytes(text), maxBytes);
    }

    /// <summary>The refusal of a body of <paramref name="bytes"/> bytes (or characters) over <paramref name="maxBytes"/>.</summary>
    public static RequestRefusedException TooLarge(long bytes, int maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"payload: the body is {bytes} bytes; at most {maxBytes} are accepted (EdgeRuntime:Mqtt:MaxRequestBytes)."));

    /// <summary>Null when <paramref name="name"/> is an acceptable request name, otherwise why not.</summary>
    public static string? NameError(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length > MaxNameBytes || Encoding.UTF8.GetByteCount(name) > MaxNameBytes
            ? string.Create(CultureInfo.InvariantCulture, $"the request name is too long ({name.Length} characters; at most {MaxNameBytes} bytes): {RequestFields.Quote(name)}.")
            : null;
    }
}
