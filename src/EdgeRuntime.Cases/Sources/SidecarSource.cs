using System.Text.Json;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Cases.Sources;

/// <summary>
/// Identifiers from <c>{slide file name}.case.json</c> beside the slide: one JSON object of strings keyed by
/// identifier name. Read only if it is a regular file itself (a link is refused, not followed) and no larger than
/// EdgeRuntime:Cases:SidecarMaxBytes; anything else is a problem noted, and the slide goes on without it.
/// </summary>
internal sealed class SidecarSource(int maxBytes) : ICaseSource
{
    public string Name => CaseSources.Sidecar;

    public IEnumerable<CaseIdentifier> Read(string path, ISlide slide, ICollection<string> problems)
    {
        var sidecar = path.TrimEnd('/') + CaseSources.SidecarSuffix;
        var file = Path.GetFileName(sidecar);
        var node = FileNode.Of(sidecar);
        if (node.Kind == FileNodeKind.Missing)
        {
            return [];
        }

        byte[] bytes;
        try
        {
            using var stream = FileNode.OpenRegular(sidecar, 4096);
            if (stream.Length > maxBytes)
            {
                problems.Add($"{Name}: {file} is {stream.Length} bytes, more than EdgeRuntime:Cases:SidecarMaxBytes ({maxBytes}); not read.");
                return [];
            }

            // Read at most one byte past the limit: the file may grow between the length and the read.
            bytes = new byte[maxBytes + 1];
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read > maxBytes)
            {
                problems.Add($"{Name}: {file} is more than EdgeRuntime:Cases:SidecarMaxBytes ({maxBytes}) bytes; not read.");
                return [];
            }

            Array.Resize(ref bytes, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{Name}: {file} cannot be read: {Reason(e, sidecar)}");
            return [];
        }

        return Parse(bytes, file, problems);
    }

    private List<CaseIdentifier> Parse(byte[] bytes, string file, ICollection<string> problems)
    {
        var found = new List<CaseIdentifier>();
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{Name}: {file} must be one JSON object of identifiers ({string.Join(", ", CaseIdentifierNames.All)}).");
                return found;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!CaseIdentifierNames.All.Contains(property.Name))
                {
                    problems.Add($"{Name}: {file} has '{property.Name}', which is not an identifier ({string.Join(", ", CaseIdentifierNames.All)}); ignored.");
                }
                else if (property.Value.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{Name}: {file}: '{property.Name}' must be a string; ignored.");
                }
                else if (found.All(f => f.Name != property.Name))
                {
                    found.AddRange(PatternIdentifiers.Checked(property.Name, property.Value.GetString()!, Name, file, problems));
                }
            }
        }
        catch (JsonException e)
        {
            problems.Add($"{Name}: {file} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); not read.");
            found.Clear();
        }

        return found;
    }

    // FileNode's messages start with the full path; the problem already names the file.
    private static string Reason(Exception e, string path) => e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[path.Length..].TrimStart(':', ' ') : e.Message;
}
