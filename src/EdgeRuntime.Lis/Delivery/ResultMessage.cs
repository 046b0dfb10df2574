using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>
/// A sink's message made from a result document. Making it is the same every time, so a document that does not read
/// as a result (a box of another version in the fleet, an event from before an upgrade) would fail every retry and
/// hold every later result behind it: it is kept instead, as it is, with the field that is wrong
/// (<see cref="RefusedMessages"/>), and the sink goes on.
/// </summary>
internal static class ResultMessage
{
    /// <summary>The message, or null once the document has been kept with the reason.</summary>
    public static string? Build(JsonObject result, string slideId, ILisSink sink, RefusedMessages refused, ILogger logger, Func<LisReport, string> build)
    {
        try
        {
            return build(LisReport.Of(result));
        }
        catch (InvalidDataException e)
        {
            var path = refused.Keep(slideId, sink.Name, "result.json", result.ToJsonString(), $"not sent to {sink.Target}: {e.Message}");
            LisLog.Unreadable(logger, sink.Name, slideId, e.Message, path);
            return null;
        }
    }
}
