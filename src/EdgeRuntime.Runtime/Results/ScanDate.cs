using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeRuntime.Runtime.Results;

/// <summary>
/// When a slide was scanned, as ISO 8601, from each vendor's own way of writing it, each read by the vendor's one
/// documented order: Aperio writes <c>Date = 12/29/09</c> (MM/DD/YY) and <c>Time = 09:59:15</c>, with an optional
/// <c>Time Zone = GMT-0800</c>; Hamamatsu and TIFF write the year first. A text in no known form gives no ISO date
/// rather than a guess at which number is the day: the raw text is always kept beside it.
/// </summary>
internal static partial class ScanDate
{
    /// <summary>The raw vendor text and, where it reads unambiguously, the ISO 8601 form; null when the slide states none.</summary>
    public static (string Raw, string? Iso)? Of(IReadOnlyDictionary<string, string> properties)
    {
        if (properties.TryGetValue("aperio.Date", out var date))
        {
            var time = properties.GetValueOrDefault("aperio.Time");
            var zone = properties.GetValueOrDefault("aperio.Time Zone");
            var raw = string.Join(' ', new[] { date, time, zone }.Where(s => !string.IsNullOrWhiteSpace(s)));
            return (raw, Aperio(date, time, zone));
        }

        foreach (var key in new[] { "hamamatsu.Created", "tiff.DateTime" })
        {
            if (properties.TryGetValue(key, out var text))
            {
                return (text, YearFirst(text));
            }
        }

        return null;
    }

    private static string? Aperio(string date, string? time, string? zone)
    {
        var formats = new[] { "MM/dd/yy", "M/d/yy", "MM/dd/yyyy", "M/d/yyyy" };
        if (!DateTime.TryParseExact(date.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return null;
        }

        var iso = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (time is null)
        {
            return iso;
        }

        if (!TimeSpan.TryParseExact(time.Trim(), @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var clock))
        {
            return null;
        }

        iso += "T" + clock.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        if (zone is not null && Offset().Match(zone.Trim()) is { Success: true } m)
        {
            iso += $"{m.Groups[1].Value}{m.Groups[2].Value}:{m.Groups[3].Value}";
        }

        return iso;
    }

    private static string? YearFirst(string text)
    {
        var formats = new[] { "yyyy/MM/dd HH:mm:ss", "yyyy:MM:dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy/MM/dd", "yyyy-MM-dd" };
        return DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.ToString(at.TimeOfDay == TimeSpan.Zero && !text.Contains(':', StringComparison.Ordinal) ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
            : null;
    }

    // "GMT-0800", "GMT+01:00", "UTC+1"
    [GeneratedRegex(@"^(?:GMT|UTC)?\s*([+-])(\d{2}):?(\d{2})$")]
    private static partial Regex Offset();
}
