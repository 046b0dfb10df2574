using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Runtime.Results;
using Microsoft.AspNetCore.Http;

namespace EdgeRuntime.Operations;

/// <summary>
/// <c>GET /results/{slideId}/{path}</c>: a file of a slide's committed result, only if that result's document lists
/// it as an artefact. The request's path is never joined onto the disk as given: it is looked up among the listed
/// paths, so <c>..</c>, links and anything a task did not write answer 404. The body is the file; the
/// <c>Repr-Digest</c> header carries the SHA-256 the document listed, which the subscriber checks.
/// </summary>
internal sealed partial class ResultFiles(string resultsRoot)
{
    private const long MaxDocumentBytes = 64 * 1024 * 1024;

    public async Task ServeAsync(HttpContext context, string slideId, string path)
    {
        if (!SlideId().IsMatch(slideId) || Find(slideId, path) is not { } listed)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        FileStream stream;
        try
        {
            stream = FileNode.OpenRegular(Path.Combine(resultsRoot, slideId, listed.Path));
        }
        catch (IOException)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // gone (a newer result replaced it) or no longer a file
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType = ArtefactList.MediaType(listed.Path);
            context.Response.ContentLength = stream.Length;
            context.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(listed.Sha256))}:";
            context.Response.Headers.ETag = $"\"{listed.Sha256}\"";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private (string Path, string Sha256)? Find(string slideId, string path)
    {
        var document = Path.Combine(resultsRoot, slideId, ArtefactList.DocumentName);
        try
        {
            using var stream = FileNode.OpenRegular(document);
            if (stream.Length > MaxDocumentBytes)
            {
                return null;
            }

            using var json = JsonDocument.Parse(stream);
            if (!json.RootElement.TryGetProperty("artefacts", out var artefacts) || artefacts.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var artefact in artefacts.EnumerateArray())
            {
                if (artefact.TryGetProperty("path", out var p) && p.GetString() == path && artefact.TryGetProperty("sha256", out var sha))
                {
                    return (path, sha.GetString()!);
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9a-f]{20,64}$")]
    private static partial Regex SlideId();
}
