using System.Globalization;
using System.Text;

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>A CSV file with a header, read row by row into fields by column name (RFC 4180 quoting).</summary>
internal static class CsvTable
{
    /// <summary>The rows (with their 1-based line numbers); throws <see cref="InvalidDataException"/> when a required column is missing.</summary>
    public static List<(int Line, Dictionary<string, string> Fields)> Read(string file, IReadOnlyList<string> required)
    {
        var lines = File.ReadAllLines(file);
        if (lines.Length < 2)
        {
            throw new InvalidDataException($"{file}: needs a header ({string.Join(",", required)}) and at least one row.");
        }

        var header = Fields(lines[0]).Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{file}: line 1: the header must name {string.Join(", ", required.Select(r => $"'{r}'"))} (has {string.Join(", ", header)}).");
        }

        var rows = new List<(int, Dictionary<string, string>)>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var f = Fields(lines[n]);
            if (f.Count < header.Count)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: line {n + 1}: {f.Count} fields, the header has {header.Count}."));
            }

            rows.Add((n + 1, header.Select((h, i) => (h, v: f[i].Trim())).ToDictionary(x => x.h, x => x.v, StringComparer.Ordinal)));
        }

        return rows;
    }

    public static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                current.Append('"');
                i++;
            }
            else if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
