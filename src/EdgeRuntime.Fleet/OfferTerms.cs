using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeRuntime.Fleet;

/// <summary>
/// What an offer must say before a box acts on it, checked as it arrives: the owner is one topic level (it becomes
/// the topic the claim is sent to), the slide id is a content id (it becomes the results folder's name), the offer id
/// a short token, the path and size present. Another box's message is input like any other: an owner of
/// <c>a/#</c> or a slide id of <c>../../state</c> is refused here with the reason, never used.
/// </summary>
internal sealed partial record OfferTerms(string OfferId, string Owner, string SlideId, string Path, long Size, string? FileName)
{
    /// <summary>The longest name or id of another box's message that a log line repeats.</summary>
    public const int ShownLength = 80;

    /// <summary>The longest reason of another box's message that the journal keeps.</summary>
    public const int ReasonLength = 1000;

    private const int MaxPathLength = 4096;

    /// <summary>The terms, or null and why not.</summary>
    public static (OfferTerms? Terms, string? Refusal) Read(FleetMessage offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (!IsToken(offer.Offer))
        {
            return (null, $"its offer id '{Shown(offer.Offer)}' is not 1 to 64 letters, digits, '-' or '_'");
        }

        var owner = offer.Text("owner") ?? offer.From;
        if (!IsNodeId(owner))
        {
            return (null, $"its owner '{Shown(owner)}' is not a node id (one topic level of at most 128 characters, without '/', '+', '#' or control characters)");
        }

        var slideId = offer.Text("slideId");
        if (slideId is null || !ContentId().IsMatch(slideId))
        {
            return (null, $"its slideId '{Shown(slideId)}' is not a slide's content id (20 to 64 lower-case hex digits)");
        }

        var path = offer.Text("path");
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength || path.Contains('\0', StringComparison.Ordinal))
        {
            return (null, $"its path '{Shown(path)}' is empty, longer than {MaxPathLength} characters or holds a NUL");
        }

        if (offer.Body["size"] is not JsonValue sizeValue || !sizeValue.TryGetValue<long>(out var size) || size < 0)
        {
            return (null, "its size is not a whole number of bytes");
        }

        var fileName = offer.Text("fileName");
        return (new OfferTerms(offer.Offer, owner, slideId, path, size, fileName is null ? null : Shown(fileName)), null);
    }

    /// <summary>Whether <paramref name="node"/> can be a node id, and so a topic level this box publishes to.</summary>
    public static bool IsNodeId(string? node) =>
        !string.IsNullOrWhiteSpace(node) && node.Length <= 128 && node != FleetOptions.FleetLevel && !node.Any(c => c is '/' or '+' or '#' || char.IsControl(c));

    /// <summary>Whether <paramref name="offerId"/> is an offer id this box repeats in a reply.</summary>
    public static bool IsToken(string offerId) => Token().IsMatch(offerId);

    /// <summary>Another box's text as a log line or a reason repeats it: at most <paramref name="length"/> characters, no controls.</summary>
    public static string Shown(string? text, int length = ShownLength)
    {
        if (text is null)
        {
            return "(none)";
        }

        var cut = text.Length > length ? text[..length] + "…" : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex Token();

    [GeneratedRegex(@"^[0-9a-f]{20,64}\z")]
    private static partial Regex ContentId();
}
