using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Fleet;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert search --fleet</c>: the same search sent to every box of the fleet over the broker
/// (<see cref="FleetSearch"/>), answered by each from its own index, merged by score; the boxes that did not answer
/// by the deadline are listed. The password of <c>--user</c> comes from <c>EDGERT_MQTT_PASSWORD</c>, never the
/// command line (other users can read a process's arguments).
/// </summary>
internal sealed class FleetSearchOptions
{
    public const string PasswordVariable = "EDGERT_MQTT_PASSWORD";

    public Option<bool> Fleet { get; } = new("--fleet") { Description = "Ask every box of the fleet (those with a retained fleet state on the broker in EdgeRuntime:Mqtt) and merge their hits; lists the boxes that did not answer. Text or --slide/--box queries." };

    public Option<double> Deadline { get; } = new("--deadline") { Description = "With --fleet: seconds to wait for the boxes' answers.", DefaultValueFactory = _ => 10 };

    public Option<string?> User { get; } = new("--user") { Description = $"With --fleet: the broker account to ask as (read-only, such as an LIS's); its password from the environment variable {PasswordVariable}. Default: anonymous." };

    public async Task<int> RunAsync(ParseResult parse, EdgertSettings settings, string? text, string? slide, JsonArray? box, bool image, int top, bool exact, bool json, CliOutput output, CancellationToken cancellationToken)
    {
        var deadline = parse.GetValue(Deadline);
        if (image)
        {
            throw new SettingsException(["--fleet searches by text or by --slide/--box: each box embeds the query with its own model; search by --image on one box."]);
        }

        if (!(deadline is > 0 and <= 600))
        {
            throw new SettingsException([$"--deadline must be more than 0 and at most 600 seconds (is {deadline.ToString(CultureInfo.InvariantCulture)})."]);
        }

        if (settings.Mqtt.Embedded)
        {
            throw new SettingsException(["--fleet needs the fleet's broker: EdgeRuntime:Mqtt:Host is empty (a single box with the embedded broker has no fleet)."]);
        }

        var body = new JsonObject { ["top"] = top, ["exact"] = exact };
        if (text is not null)
        {
            body["text"] = text;
        }
        else
        {
            body["slide"] = slide;
            body["box"] = box;
        }

        var answer = await FleetSearch.SearchAsync(settings.Mqtt, parse.GetValue(User), Environment.GetEnvironmentVariable(PasswordVariable), body, TimeSpan.FromSeconds(deadline), cancellationToken);
        var notAnswered = answer["notAnswered"]!.AsArray();
        output.Out.Write(json ? answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine : Describe(answer));
        foreach (var missing in notAnswered)
        {
            output.Error.WriteLine($"edgert: box {missing!["node"]} did not answer: {missing["reason"]}");
        }

        if (answer["nodes"]!.GetValue<int>() == 0)
        {
            output.Error.WriteLine($"edgert: no box of the fleet is known on {settings.Mqtt.Host}:{settings.Mqtt.Port}: none has published a retained fleet state below {settings.Mqtt.TopicPrefix}/+/fleet/state.");
            return ExitCodes.InputError;
        }

        return answer["answered"]!.AsArray().Count == 0 ? ExitCodes.InputError : ExitCodes.Success;
    }

    private static string Describe(JsonObject answer)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var answered = answer["answered"]!.AsArray().Select(a => a!["node"]!.GetValue<string>()).ToList();
        text.AppendLine(inv, $"Boxes:   {answer["nodes"]} known, {answered.Count} answered ({string.Join(", ", answered)})");
        var rank = 0;
        foreach (var hit in answer["hits"]!.AsArray())
        {
            var b = hit!["box"]!.AsArray();
            var name = hit["fileName"]?.GetValue<string>() ?? "(file name not recorded)";
            text.AppendLine(inv, $"{++rank,4}  {hit["score"]!.GetValue<double>(),7:0.0000}  {hit["node"]}  {name}  {hit["slideId"]}  x={b[0]} y={b[1]} w={b[2]} h={b[3]}");
        }

        return text.ToString();
    }
}
