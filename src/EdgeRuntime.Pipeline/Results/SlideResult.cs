using System.Text.Json.Nodes;

namespace EdgeRuntime.Pipeline.Results;

/// <summary>A processed slide: its result document and the folder of its result files.</summary>
/// <param name="SlideId">The slide.</param>
/// <param name="Document">The result document (docs/result.schema.json).</param>
/// <param name="Directory">Where result.json, tiles.csv.gz and overlay.png are.</param>
public sealed record SlideResult(string SlideId, JsonObject Document, string Directory);
