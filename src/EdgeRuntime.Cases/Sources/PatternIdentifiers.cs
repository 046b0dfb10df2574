using System.Text.RegularExpressions;

namespace EdgeRuntime.Cases.Sources;

/// <summary>Identifiers from a pattern's named groups (a file name, a barcode's text).</summary>
internal static class PatternIdentifiers
{
    public static IReadOnlyList<CaseIdentifier> Of(Regex pattern, string text, string source, string from, string what, ICollection<string> problems)
    {
        Match match;
        try
        {
            match = pattern.Match(text);
        }
        catch (RegexMatchTimeoutException)
        {
            problems.Add($"{source}: the pattern took too long on {what}; nothing taken from it.");
            return [];
        }

        if (!match.Success)
        {
            problems.Add($"{source}: {what} does not match the pattern.");
            return [];
        }

        var found = new List<CaseIdentifier>();
        foreach (var name in CaseIdentifierNames.All)
        {
            var group = match.Groups[name];
            if (group.Success && group.Value.Length > 0)
            {
                found.AddRange(Checked(name, group.Value, source, from, problems));
            }
        }

        return found;
    }

    /// <summary>The identifier, if its value can be one; otherwise the problem is noted.</summary>
    public static IEnumerable<CaseIdentifier> Checked(string name, string value, string source, string from, ICollection<string> problems)
    {
        if (CaseIdentifierNames.Refusal(value) is { } refusal)
        {
            problems.Add($"{source}: {name} from {from} {refusal}; not taken.");
            yield break;
        }

        yield return new CaseIdentifier(name, value.Trim(), source, from);
    }
}
