using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// How a dataset's masks encode classes: class name → colour <c>[r, g, b]</c> (RGB or palette PNGs, as SICAPv2 and
/// DigestPath ship them) or → a grey level (label masks whose pixel value is the class). Colours not listed are
/// "unlabelled" and not scored.
/// </summary>
public sealed class MaskPalette
{
    private readonly Dictionary<(byte R, byte G, byte B), string> byColour;

    private MaskPalette(Dictionary<(byte, byte, byte), string> byColour) => this.byColour = byColour;

    /// <summary>The class names, in the file's order.</summary>
    public IReadOnlyList<string> Classes => byColour.Values.Distinct().ToList();

    /// <summary>Reads <c>{"tumour": [255, 0, 0], "stroma": 2, ...}</c>; throws <see cref="InvalidDataException"/> naming the file and key.</summary>
    public static MaskPalette Load(string file)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file}: expected a JSON object of class name → [r, g, b] or grey level.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not JSON: {e.Message}", e);
        }

        var map = new Dictionary<(byte, byte, byte), string>();
        foreach (var (name, value) in root)
        {
            (byte, byte, byte) colour = value switch
            {
                JsonArray { Count: 3 } a when a.All(v => v is JsonValue x && x.TryGetValue<int>(out var i) && i is >= 0 and <= 255) =>
                    ((byte)a[0]!.GetValue<int>(), (byte)a[1]!.GetValue<int>(), (byte)a[2]!.GetValue<int>()),
                JsonValue v when v.TryGetValue<int>(out var grey) && grey is >= 0 and <= 255 => ((byte)grey, (byte)grey, (byte)grey),
                _ => throw new InvalidDataException($"{file}: '{name}': expected [r, g, b] (0–255) or a grey level 0–255."),
            };
            if (!map.TryAdd(colour, name))
            {
                throw new InvalidDataException($"{file}: '{name}' has the colour of '{map[colour]}'.");
            }
        }

        return new MaskPalette(map);
    }

    /// <summary>The class of a mask pixel, or null when its colour is not in the palette.</summary>
    public string? ClassOf(byte r, byte g, byte b) => byColour.TryGetValue((r, g, b), out var name) ? name : null;
}
