using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// The per-sample rows of several runs as one CSV (<c>samples.csv</c>) for a spreadsheet or pandas: a column
/// <c>run</c>, then each row's fields; a nested object (a sample's scores, an image's Dice per class) becomes a
/// column per key, named <c>field:key</c>. A run that lacks a column (another class set) leaves it empty.
/// </summary>
public static class SampleTable
{
    /// <summary>The CSV text (RFC 4180 quoting, numbers as JSON writes them, so that they read back exactly).</summary>
    public static string Csv(IReadOnlyList<(string Run, JsonArray Rows)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var columns = new List<(string Field, string? Key)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in runs.SelectMany(r => r.Rows).Select(r => r!.AsObject()))
        {
            foreach (var (field, value) in row)
            {
                var names = value is JsonObject nested ? nested.Select(n => (field, (string?)n.Key)) : [(field, null)];
                foreach (var name in names.Where(n => seen.Add(Header(n))))
                {
                    columns.Add(name);
                }
            }
        }

        var text = new StringBuilder();
        text.Append("run");
        foreach (var column in columns)
        {
            text.Append(',').Append(Quote(Header(column)));
        }

        text.Append('\n');
        foreach (var (run, rows) in runs)
        {
            foreach (var row in rows.Select(r => r!.AsObject()))
            {
                text.Append(Quote(run));
                foreach (var (field, key) in columns)
                {
                    var value = key is null ? row[field] : (row[field] as JsonObject)?[key];
                    text.Append(',').Append(Quote(Cell(value)));
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Header((string Field, string? Key) column) => column.Key is null ? column.Field : $"{column.Field}:{column.Key}";

    private static string Cell(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
