using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Cli;

/// <summary>
/// What a file a person names on the command line (a configuration, a dataset CSV, a label map, a palette, a report)
/// must be before it is read whole: a regular file, itself or at the end of its links, within a size fit for what it
/// is. Read as it was, a link to <c>/dev/zero</c> filled memory until .NET gave up with a stack trace, a named pipe
/// with no writer blocked for ever, and a folder or a dangling link came back in .NET's words.
/// </summary>
internal static class InputFileCheck
{
    /// <summary>Refuses <paramref name="fullPath"/> with <see cref="InvalidDataException"/> (exit 1), naming it and what it is.</summary>
    /// <param name="fullPath">The file, as given, made absolute.</param>
    /// <param name="noun">What the file should be, with its article: "a label map".</param>
    /// <param name="maxBytes">The most such a file can reasonably hold.</param>
    public static void Require(string fullPath, string noun, long maxBytes)
    {
        if (Problem(fullPath, noun, maxBytes) is { } why)
        {
            throw new InvalidDataException($"{fullPath}: {why}");
        }
    }

    /// <summary>Why <paramref name="fullPath"/> cannot be read as <paramref name="noun"/>, or null when it can.</summary>
    public static string? Problem(string fullPath, string noun, long maxBytes) => RegularFile.Problem(fullPath, noun, maxBytes);
}
