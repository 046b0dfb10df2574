namespace EdgeRuntime.Foundation;

/// <summary>
/// The one way components refuse invalid options: every problem at once, each naming its configuration key.
/// Lives in the lowest library, which every component already references.
/// </summary>
public static class OptionsValidation
{
    /// <summary>Throws an <see cref="ArgumentException"/> listing <paramref name="errors"/>, if there are any.</summary>
    public static void ThrowIfInvalid(IEnumerable<string> errors, string parameterName)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, list), parameterName);
        }
    }
}
