using System.Text;

namespace EdgeRuntime.Lis.Hl7v2;

/// <summary>HL7 v2's escaping: the delimiters in a value become escape sequences, line breaks and other controls a space.</summary>
internal static class Hl7Text
{
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => @"\E\",
                '|' => @"\F\",
                '^' => @"\S\",
                '&' => @"\T\",
                '~' => @"\R\",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }
}
