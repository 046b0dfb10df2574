using System.Globalization;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// Where a dataset CSV's row sends the reader, and whether it may be read. A path is taken relative to the CSV's folder
/// or absolute, and may lead outside that folder (<c>../images/a.png</c>, <c>/data/crc/a.png</c>): the CSV is the
/// person's own file on their own machine, and datasets are often laid out that way. What is read must be a regular
/// file, itself or at the end of its links (<see cref="RegularFile"/>, as every other file a person names): a link to
/// <c>/dev/zero</c> or a named pipe would fill memory or block for ever.
/// </summary>
public static class DatasetImagePath
{
    /// <summary>
    /// The full path of <paramref name="value"/> (column <paramref name="column"/> at <paramref name="line"/> of
    /// <paramref name="csv"/>); throws <see cref="InvalidDataException"/> naming the CSV, the line and the path when it
    /// is not a readable regular file.
    /// </summary>
    public static string Resolve(string csv, int line, string column, string value)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(value);
        var folder = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        if (value.Length == 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{csv}: line {line}: the {column} column is empty."));
        }

        var full = Path.GetFullPath(Path.Combine(folder, value));
        return RegularFile.Problem(full, $"an image ({column} column)", long.MaxValue) is { } why
            ? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{csv}: line {line}: {full}: {why}"))
            : full;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="file"/> of a dataset folder when it is not a readable regular file.</summary>
    public static void RequireInFolder(string file)
    {
        if (RegularFile.Problem(file, "an image", long.MaxValue) is { } why)
        {
            throw new InvalidDataException($"{file}: {why}");
        }
    }
}
