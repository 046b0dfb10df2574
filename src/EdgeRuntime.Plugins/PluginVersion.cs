namespace EdgeRuntime.Plugins;

/// <summary>
/// Orders version folder names the way people read them: dot- or dash-separated parts compared as numbers where
/// both are numbers (<c>1.10</c> after <c>1.9</c>), as text otherwise.
/// </summary>
internal sealed class PluginVersion : IComparer<string>
{
    /// <summary>The comparer.</summary>
    public static PluginVersion Comparer { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        var a = (x ?? string.Empty).Split('.', '-', '+');
        var b = (y ?? string.Empty).Split('.', '-', '+');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            if (i >= a.Length)
            {
                return -1;
            }

            if (i >= b.Length)
            {
                return 1;
            }

            var order = long.TryParse(a[i], out var m) && long.TryParse(b[i], out var n) ? m.CompareTo(n) : string.CompareOrdinal(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }
}
