using System.Text.Json;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Service.Tests;

/// <summary>What the service's slide messages say, read the same way by every service test.</summary>
internal static class SlideMessages
{
    /// <summary>The slide id a state, result or progress payload is about.</summary>
    public static string Id(JsonElement payload) => payload.GetProperty("slideId").GetString()!;

    /// <summary>How many result messages each slide has had: exactly-once means 1 for every slide.</summary>
    public static Dictionary<string, int> ResultsPerSlide(MqttProbe probe) =>
        probe.On("/result").GroupBy(r => Id(r.Payload)).ToDictionary(g => g.Key, g => g.Count());
}
