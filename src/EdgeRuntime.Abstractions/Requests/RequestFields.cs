using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Abstractions.Requests;

/// <summary>
/// Reads the fields of a request body with their bounds, the one way the host's requests and the task plugins'
/// read what a caller sent (added in 2.2). Every refusal is a <see cref="RequestRefusedException"/> whose reason
/// names the field, says in words what kind of value it expects and what it got, and quotes at most
/// <see cref="QuotedCharacters"/> characters of what the caller sent: a reason, a log line or an event never grows
/// with a caller's input.
/// </summary>
public static class RequestFields
{
    /// <summary>The longest id (a plugin, model, version or slide id) in UTF-8 bytes: a file name's limit on Linux.</summary>
    public const int MaxIdBytes = 255;

    /// <summary>The most characters of a caller's value a reason quotes.</summary>
    public const int QuotedCharacters = 40;

    /// <summary>A text field, or null when absent.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="field">The field's name, as the reason names it (a path such as <c>model.id</c> for a nested one).</param>
    /// <param name="maxCharacters">The longest text accepted.</param>
    /// <exception cref="RequestRefusedException">Not text, empty or only spaces, or longer than <paramref name="maxCharacters"/>.</exception>
    public static string? OptionalText(JsonObject body, string field, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[LastPart(field)] is { } node ? Text(node, field, maxCharacters) : null;
    }

    /// <summary>A text field that must be present (see <see cref="OptionalText"/>).</summary>
    /// <exception cref="RequestRefusedException">Missing, or not acceptable text.</exception>
    public static string RequiredText(JsonObject body, string field, int maxCharacters) =>
        OptionalText(body, field, maxCharacters) ?? throw Missing(field, "text");

    /// <summary>An id field (at most <see cref="MaxIdBytes"/> UTF-8 bytes, no control characters), or null when absent.</summary>
    /// <exception cref="RequestRefusedException">Not text, empty, too long, or with control characters.</exception>
    public static string? OptionalId(JsonObject body, string field)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[LastPart(field)] is { } node ? Id(node, field) : null;
    }

    /// <summary>An id field that must be present (see <see cref="OptionalId"/>).</summary>
    /// <exception cref="RequestRefusedException">Missing, or not an acceptable id.</exception>
    public static string RequiredId(JsonObject body, string field) => OptionalId(body, field) ?? throw Missing(field, "an id");

    /// <summary>A true-or-false field, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="RequestRefusedException">Present but not <c>true</c> or <c>false</c>.</exception>
    public static bool Flag(JsonObject body, string field, bool fallback)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[LastPart(field)];
        return node switch
        {
            null => fallback,
            JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
            JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
            _ => throw Refused(field, "true or false", node),
        };
    }

    /// <summary>A whole-number field from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="RequestRefusedException">Present but not a whole number, or out of range (the reason gives the range and the value).</exception>
    public static int Whole(JsonObject body, string field, int min, int max, int fallback)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[LastPart(field)] is { } node ? (int)Whole(node, field, min, max) : fallback;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> (an array's element, say).</summary>
    /// <exception cref="RequestRefusedException">Not a whole number, or out of range.</exception>
    public static long Whole(JsonNode? node, string field, long min, long max)
    {
        var expected = string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            throw Refused(field, expected, node);
        }

        // The node's JSON text, not its .NET value: a body parsed from the wire and one built in process hold numbers differently.
        var text = node.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole >= min && whole <= max ? whole : throw new RequestRefusedException($"payload: field '{field}' must be {expected} (is {whole.ToString(CultureInfo.InvariantCulture)}).");
        }

        throw new RequestRefusedException($"payload: field '{field}' must be {expected} (is {Quote(text)}).");
    }

    /// <summary>A finite number (an element of a vector, say).</summary>
    /// <exception cref="RequestRefusedException">Not a number, or not finite as a 32-bit float.</exception>
    public static float Number(JsonNode? node, string field)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && float.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && float.IsFinite(number))
        {
            return number;
        }

        throw Refused(field, "a finite number", node);
    }

    /// <summary>An object field, or null when absent.</summary>
    /// <exception cref="RequestRefusedException">Present but not an object.</exception>
    public static JsonObject? OptionalObject(JsonObject body, string field)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[LastPart(field)] switch
        {
            null => null,
            JsonObject o => o,
            var other => throw Refused(field, "an object", other),
        };
    }

    /// <summary>An array field of at most <paramref name="maxCount"/> elements, or null when absent.</summary>
    /// <exception cref="RequestRefusedException">Present but not an array, or longer than <paramref name="maxCount"/>.</exception>
    public static JsonArray? OptionalArray(JsonObject body, string field, int maxCount)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[LastPart(field)];
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw Refused(field, "an array", node);
        }

        return array.Count <= maxCount ? array
            : throw new RequestRefusedException(string.Create(CultureInfo.InvariantCulture, $"payload: field '{field}' has {array.Count} elements; at most {maxCount} are accepted."));
    }

    /// <summary>What <paramref name="node"/> is, in words: text, a number, true or false, an array, an object, null.</summary>
    public static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "text",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>
    /// <paramref name="value"/> in quotes for a reason or a log line: whole when short, otherwise its first
    /// <see cref="QuotedCharacters"/> characters and its length.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= QuotedCharacters)
        {
            return $"'{value}'";
        }

        var cut = char.IsHighSurrogate(value[QuotedCharacters - 1]) ? QuotedCharacters - 1 : QuotedCharacters;
        return string.Create(CultureInfo.InvariantCulture, $"'{value[..cut]}…' ({value.Length} characters)");
    }

    private static string Text(JsonNode node, string field, int maxCharacters)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw Refused(field, "text", node);
        }

        var text = value.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RequestRefusedException($"payload: field '{field}' is empty.");
        }

        return text.Length <= maxCharacters ? text
            : throw new RequestRefusedException(string.Create(CultureInfo.InvariantCulture, $"payload: field '{field}' is {text.Length} characters long; at most {maxCharacters} are accepted."));
    }

    /// <summary>An id (an array's element, say): at most <see cref="MaxIdBytes"/> UTF-8 bytes, no control characters.</summary>
    /// <exception cref="RequestRefusedException">Missing, not text, empty, too long, or with control characters.</exception>
    public static string Id(JsonNode? node, string field)
    {
        if (node is null)
        {
            throw Missing(field, "an id");
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw Refused(field, "an id (text)", node);
        }

        var id = value.GetValue<string>();
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new RequestRefusedException($"payload: field '{field}' is empty.");
        }

        // Counted on the characters first (each is at least a byte), so that a megabyte is refused without being encoded.
        if (id.Length > MaxIdBytes || Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            throw new RequestRefusedException(string.Create(CultureInfo.InvariantCulture, $"payload: field '{field}' is too long for an id ({id.Length} characters); an id is at most {MaxIdBytes} bytes of UTF-8 ({Quote(id)})."));
        }

        return id.Any(char.IsControl) ? throw new RequestRefusedException($"payload: field '{field}' holds control characters; an id is printable text.") : id;
    }

    private static RequestRefusedException Missing(string field, string expected) => new($"payload: field '{field}' is missing; expected {expected}.");

    private static RequestRefusedException Refused(string field, string expected, JsonNode? node)
    {
        var got = KindOf(node);
        var shown = node is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            ? $"{got}, {Quote(v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())}"
            : got;
        return new RequestRefusedException($"payload: field '{field}' must be {expected} (is {shown}).");
    }

    // A nested field is named by its path ("model.id") and read from its own object by its last part.
    private static string LastPart(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var dot = field.LastIndexOf('.');
        return dot < 0 ? field : field[(dot + 1)..];
    }
}
