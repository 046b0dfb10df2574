using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Lis;

/// <summary>One identifier of the slide's case, as the result document's <c>case.identifiers</c> holds it.</summary>
/// <param name="Name">accession, specimen, block, slide or stain.</param>
/// <param name="Value">The identifier.</param>
/// <param name="Source">Where it was read (sidecar, label-barcode, properties, file-name).</param>
public sealed record ReportIdentifier(string Name, string Value, string Source);

/// <summary>A number the slide's result reports, in the form every LIS message carries it.</summary>
/// <param name="Code">What it measures (<see cref="LisCodes"/>).</param>
/// <param name="Display">The measure in words.</param>
/// <param name="Item">The class it is about (a tag, a tissue class), or null for the slide as a whole.</param>
/// <param name="Value">The number.</param>
/// <param name="Unit">Its UCUM unit (<c>1</c>, <c>mm2</c>, <c>{tiles}</c>).</param>
public sealed record ReportMeasurement(string Code, string Display, string? Item, double Value, string Unit);

/// <summary>A file beside the result that a subscriber may fetch: its name, media type and, where the box has a public URL, where.</summary>
public sealed record ReportArtefact(string Name, string ContentType, string? Url);

/// <summary>A model or class set the result was made with, and its digest.</summary>
public sealed record ReportComponent(string Kind, string Id, string Version, string Sha256, string? Name);

/// <summary>
/// A slide's result as the LIS messages carry it (FHIR R4 and HL7 v2 alike, so both say the same): read once from
/// the result document (docs/result.schema.json) that the slide.done event holds.
/// </summary>
public sealed record LisReport(
    string SlideId,
    string FileName,
    string Outcome,
    string? Reason,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<ReportIdentifier> Identifiers,
    string? CaseNote,
    ReportComponent Model,
    IReadOnlyList<ReportComponent> ClassSets,
    IReadOnlyList<ReportMeasurement> Measurements,
    IReadOnlyList<ReportArtefact> Artefacts)
{
    /// <summary>The identifier <paramref name="name"/>, or null.</summary>
    public string? Identifier(string name) => Identifiers.FirstOrDefault(i => i.Name == name)?.Value;

    /// <summary>Reads the report from <paramref name="result"/>, a result document.</summary>
    /// <param name="result">The result document.</param>
    /// <exception cref="InvalidDataException">The document lacks a field every result has; the message names it.</exception>
    public static LisReport Of(JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var slideId = Text(result, "slideId");
        var provenance = result["provenance"] as JsonObject ?? throw Missing("provenance");
        var model = provenance["model"] as JsonObject ?? throw Missing("provenance.model");
        var identifiers = (At(result, "case", "identifiers") as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(i => new ReportIdentifier(Text(i, "name"), Text(i, "value"), Text(i, "source")))
            .ToList();
        var classSets = new List<ReportComponent>();
        foreach (var set in new[] { provenance["prompts"] as JsonObject }.Concat((provenance["tasks"] as JsonArray ?? []).Select(t => At(t, "classSet") as JsonObject)))
        {
            if (set is not null && classSets.All(c => c.Sha256 != Optional(set, "sha256")))
            {
                classSets.Add(new ReportComponent(Optional(set, "kind") ?? "prompts", Text(set, "id"), Text(set, "version"), Text(set, "sha256"), null));
            }
        }

        // The cell task's head is a model of its own (trained on the encoder's features): the Device names it too.
        if (At(result, "tasks", "cells", "output", "head") is JsonObject head)
        {
            classSets.Add(new ReportComponent("cell-head", Text(head, "id"), Text(head, "version"), Text(head, "sha256"), Optional(head, "name")));
        }

        return new LisReport(
            slideId,
            Optional(result["file"] as JsonObject, "name") ?? slideId,
            Text(result, "outcome"),
            Optional(result, "reason"),
            Time(provenance, "processedAt"),
            identifiers,
            Optional(At(result, "case") as JsonObject, "note"),
            new ReportComponent("model", Text(model, "id"), Text(model, "version"), Text(model, "sha256"), Optional(model, "name")),
            classSets,
            MeasurementsOf(result),
            ArtefactsOf(result));
    }

    private static List<ReportMeasurement> MeasurementsOf(JsonObject result)
    {
        var list = new List<ReportMeasurement>();
        foreach (var tag in At(result, "tasks", "zero-shot-tagging", "output", "tags") as JsonArray ?? [])
        {
            var name = Text(tag as JsonObject ?? throw Wrong("tasks.zero-shot-tagging.output.tags", "a list of objects"), "class");
            list.Add(new ReportMeasurement(LisCodes.TagScore, "Slide tag score", name, Number(tag, "score"), "1"));
            list.Add(new ReportMeasurement(LisCodes.TagTileFraction, "Share of tiles whose top class it is", name, Number(tag, "tileFraction"), "1"));
        }

        foreach (var area in At(result, "tasks", "zero-shot-segmentation", "output", "classes") as JsonArray ?? [])
        {
            list.Add(new ReportMeasurement(LisCodes.ClassArea, "Tissue class area", Text(area as JsonObject ?? throw Wrong("tasks.zero-shot-segmentation.output.classes", "a list of objects"), "class"), Number(area, "areaMm2"), "mm2"));
        }

        if (At(result, "tasks", "cells", "output") is JsonObject cells)
        {
            list.Add(new ReportMeasurement(LisCodes.CellCount, "Cells found", null, Number(cells, "cells"), "{cells}"));
            if (At(cells, "cellsPerMm2") is JsonValue)
            {
                list.Add(new ReportMeasurement(LisCodes.CellDensity, "Cells per mm2 of tissue", null, Number(cells, "cellsPerMm2"), "{cells}/mm2"));
            }

            foreach (var node in At(cells, "classes") as JsonArray ?? [])
            {
                var cellClass = node as JsonObject ?? throw Wrong("tasks.cells.output.classes", "a list of objects");
                var name = Text(cellClass, "name");
                list.Add(new ReportMeasurement(LisCodes.CellCount, "Cells found", name, Number(cellClass, "count"), "{cells}"));
                if (At(cellClass, "perMm2") is JsonValue)
                {
                    // null where the slide had no tissue area to divide by: no density then, the count stands
                    list.Add(new ReportMeasurement(LisCodes.CellDensity, "Cells per mm2 of tissue", name, Number(cellClass, "perMm2"), "{cells}/mm2"));
                }
            }
        }

        list.Add(new ReportMeasurement(LisCodes.TilesKept, "Tissue tiles analysed", null, Number(At(result, "tiles"), "kept"), "{tiles}"));
        list.Add(new ReportMeasurement(LisCodes.TilesCandidates, "Tiles in the slide's grid", null, Number(At(result, "tiles"), "candidates"), "{tiles}"));
        list.Add(new ReportMeasurement(LisCodes.TissueFraction, "Tissue share of the slide", null, Number(At(result, "tissue"), "fraction"), "1"));
        return list;
    }

    // The document's own list of what its run wrote, with the links the operations endpoint serves (absolute where the
    // box has EdgeRuntime:Operations:PublicUrl; a relative link means nothing to a receiver, so none then). A document
    // from before that list named its files in the overlay and the tasks' outputs: those names, without links.
    private static List<ReportArtefact> ArtefactsOf(JsonObject result)
    {
        if (result["artefacts"] is JsonArray listed)
        {
            return [.. listed.OfType<JsonObject>().Select(a => new ReportArtefact(
                Text(a, "path"),
                Text(a, "mediaType"),
                Uri.TryCreate(Text(a, "href"), UriKind.Absolute, out var url) ? url.ToString() : null))];
        }

        var names = new List<string>();
        if (Optional(result["overlay"] as JsonObject, "file") is { } overlay)
        {
            names.Add(overlay);
        }

        foreach (var (_, task) in result["tasks"] as JsonObject ?? [])
        {
            if (At(task, "output") is JsonObject output)
            {
                foreach (var node in new[] { output["sidecar"], output["file"], At(output, "mask", "file"), output["geojson"] })
                {
                    if (node is JsonValue value && value.TryGetValue<string>(out var name) && !names.Contains(name))
                    {
                        names.Add(name);
                    }
                }
            }
        }

        return [.. names.Select(n => new ReportArtefact(n, ContentType(n), null))];
    }

    private static string ContentType(string name) => Path.GetExtension(name).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".GZ" => "application/gzip",
        ".GEOJSON" => "application/geo+json",
        ".H5" => "application/x-hdf5",
        ".JSON" => "application/json",
        _ => "application/octet-stream",
    };

    private static string Text(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Missing(key);

    private static double Number(JsonNode? o, string key) =>
        At(o, key) is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw Missing(key);

    // The node at keys below o, through objects only: a field of another shape (a document of another version, or a
    // fleet box's) is absent here rather than an error of the JSON library's.
    private static JsonNode? At(JsonNode? o, params string[] keys)
    {
        foreach (var key in keys)
        {
            o = o is JsonObject obj ? obj[key] : null;
        }

        return o;
    }

    // A field a result may leave out; when present it is text, or the document is not one this version reads.
    private static string? Optional(JsonObject? o, string key) => o?[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw Wrong(key, "text"),
    };

    private static DateTimeOffset Time(JsonObject o, string key) =>
        DateTimeOffset.TryParse(Text(o, key), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : throw Wrong(key, "a date and time (ISO 8601)");

    private static InvalidDataException Missing(string key) => new($"the result document has no '{key}' where every result has one.");

    private static InvalidDataException Wrong(string key, string kind) => new($"the result document's '{key}' is not {kind}.");
}
