using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace EdgeRuntime.Foundation;

/// <summary>
/// The one translator of System.Text.Json's errors on files people write (prompt sets, prototype sets, model
/// manifests, the active-plugins file, configuration): the field and what is wrong with it, with the line and
/// column, in the file's own words (its field names), never a .NET type name. Lives in the lowest library, beside
/// <see cref="OptionsValidation"/>, so that every reader of such a file uses it.
/// </summary>
public static partial class JsonErrorText
{
    /// <summary>One sentence for <paramref name="error"/>, such as "line 3, column 5: 'family' is not a field here; did you mean 'families'?".</summary>
    /// <param name="error">What the serializer or reader threw.</param>
    /// <param name="root">The type read, when known: its field names are offered for a misspelt one.</param>
    public static string Describe(JsonException error, JsonTypeInfo? root = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var field = Field(error.Path);
        var message = error.Message;
        string reason;
        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups[1].Value;
            var valid = FieldsAt(root, error.Path, name);
            var nearest = valid.Count > 0 ? Nearest(name, valid) : null;
            reason = $"'{name}' is not a field here" + (nearest is not null ? $"; did you mean '{nearest}'?" : valid.Count > 0 ? $"; the fields are {string.Join(", ", valid)}" : string.Empty);
            field = null;
        }
        else if (MissingRequired().Match(message) is { Success: true } missing)
        {
            reason = $"required field(s) missing: {missing.Groups[1].Value}";
        }
        else if (NotConvertible().IsMatch(message))
        {
            // The message names the type being read when it failed (often the whole file's), not the field's: the
            // field's type is found from the path instead.
            reason = TypeAt(root, error.Path) is { } type ? $"must be {Words(type)}" : "has a value of the wrong kind";
        }
        else
        {
            // The reader's own sentence ("'}' is an invalid start of a value") is plain; drop its machine suffixes.
            reason = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            reason = TypeName().Replace(reason, "this value");
        }

        var where = error.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {(error.BytePositionInLine ?? 0) + 1}")
            : null;
        var parts = new[] { where, field is null ? null : $"field '{field}'" }.Where(p => p is not null);
        var prefix = string.Join(", ", parts);
        return prefix.Length > 0 ? $"{prefix}: {reason}." : reason + ".";
    }

    // "$.classes[0].name" → "classes[0].name"; the root itself has no field name.
    private static string? Field(string? path) => path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static List<string> FieldsAt(JsonTypeInfo? root, string? path, string unknown)
    {
        if (root is null)
        {
            return [];
        }

        var info = root;
        var segments = (Field(path) ?? string.Empty).Split('.', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && Bare(segments[^1]) == unknown)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        foreach (var segment in segments)
        {
            var property = info.Properties.FirstOrDefault(p => p.Name == Bare(segment));
            if (property is null)
            {
                return [];
            }

            var type = property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().LastOrDefault() ?? type;
            }

            info = info.Options.GetTypeInfo(type);
        }

        return [.. info.Properties.Where(p => p.Set is not null).Select(p => p.Name)]; // what a reader accepts: computed properties are written, never read
    }

    private static string Bare(string segment) => segment.Split('[', 2)[0].Trim('\'', '[', ']');

    private static string? Nearest(string name, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (Name: v, Distance: Distance(name.ToUpperInvariant(), v.ToUpperInvariant()))).MinBy(c => c.Distance);
        return best.Distance <= Math.Max(2, (name.Length + 1) / 2) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    // The type of the field at "$.classes[0].synonyms[1]", through the read type's own description.
    private static Type? TypeAt(JsonTypeInfo? root, string? path)
    {
        if (root is null || Field(path) is not { } field)
        {
            return null;
        }

        Type type = root.Type;
        foreach (var segment in field.Split('.'))
        {
            var property = root.Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == Bare(segment));
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            for (var i = segment.IndexOf('[', StringComparison.Ordinal); i >= 0; i = segment.IndexOf('[', i + 1))
            {
                type = ElementOf(type) ?? type;
            }
        }

        return type;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : null;

    // A field's type in the words of the person writing the file: "a whole number", not Int32.
    private static string Words(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
        {
            return t.IsGenericType && t.GetGenericArguments().Length == 2 ? "an object ({...})" : "a list ([...])";
        }

        return Type.GetTypeCode(t) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "text (in quotes)",
            TypeCode.DateTime => "a date and time (ISO 8601)",
            _ when t.IsEnum => "one of " + string.Join(", ", Enum.GetNames(t)),
            _ => "an object ({...})",
        };
    }

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"missing required properties including: (.*?)\.?( Path:|$)")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"could not be converted to ")]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"'?\b(System|EdgeRuntime|Microsoft)\.[A-Za-z0-9_.`\[\], ]+'?")]
    private static partial Regex TypeName();
}
