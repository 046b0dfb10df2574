using System.ComponentModel;
using System.Globalization;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// What a value of a settings or option type looks like, in words a person at the scanner uses ("a whole number"),
/// and whether a text converts to it the way configuration binding and the command line convert it.
/// </summary>
internal static class ValueWords
{
    public static string For(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t));
        }

        return Type.GetTypeCode(t) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number (with a decimal point, not a comma)",
            TypeCode.String => "text",
            _ when t == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            _ when t == typeof(FileInfo) => "a file path",
            _ when t == typeof(DirectoryInfo) => "a folder path",
            _ => "a valid value",
        };
    }

    public static bool Converts(string text, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || t == typeof(FileInfo) || t == typeof(DirectoryInfo) || t == typeof(object))
        {
            return true;
        }

        if (t.IsEnum)
        {
            return Enum.TryParse(t, text, ignoreCase: true, out _);
        }

        try
        {
            var converter = TypeDescriptor.GetConverter(t);
            return !converter.CanConvertFrom(typeof(string)) || converter.ConvertFromString(null, CultureInfo.InvariantCulture, text) is not null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }
}
