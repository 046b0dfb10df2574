using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Journal.Events;

/// <summary>
/// The one way every message payload, journal event and result document is written as JSON. The default encoder
/// escapes characters that matter only inside HTML (<c>+</c> as <c>\u002B</c>, <c>'</c> as <c>\u0027</c>, every
/// non-ASCII letter), so a subscriber reading the raw text saw "HER2\u002B" and "Crohn\u0027s": payloads are never
/// put into HTML, so only what JSON itself requires is escaped (quotes, backslash, control characters). The text
/// stays valid JSON that every parser reads the same.
/// </summary>
public static class PayloadJson
{
    /// <summary>Compact, for messages and the journal.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented, for files and terminals.</summary>
    public static JsonSerializerOptions Indented { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    /// <summary><paramref name="node"/> as compact JSON text.</summary>
    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(Options);
    }
}
