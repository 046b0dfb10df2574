using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Running;

namespace EdgeRuntime.Runtime.Results;

/// <summary>A processed slide: its result document, the folder of its result files, and the run behind them.</summary>
/// <param name="SlideId">The slide.</param>
/// <param name="Document">The result document (docs/result.schema.json).</param>
/// <param name="Directory">Where result.json, the tasks' files and overlay.png are.</param>
/// <param name="Run">The typed run the document was made from.</param>
public sealed record SlideResult(string SlideId, JsonObject Document, string Directory, SlideRun Run);
