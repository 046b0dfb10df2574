using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>The worst-samples contact sheet, read back by Pillow: each thumbnail in its cell, in order.</summary>
public sealed class ContactSheetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Each_thumbnail_is_drawn_whole_in_its_cell_in_order()
    {
        // Five flat colours (a tile, and a wide "slide" that must keep its aspect), four to a row, and one unreadable.
        (byte R, byte G, byte B)[] colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30), (30, 200, 200)];
        var cells = colours.Select((c, i) => ((Thumbnail?)Flat(i == 4 ? 120 : 64, i == 4 ? 40 : 64, c), (IReadOnlyList<string>)[$"tile {i}", "true a", "called b (0.900)"])).ToList();
        cells.Add((null, ["gone.png"]));
        var png = temp.File("sheet.png");
        File.WriteAllBytes(png, ContactSheet.Png("most confident mistakes", cells));

        // Cells are 160 px with 12 px margins, below a 40 px title: cell i's centre is at
        // (12 + (i % 4) · 172 + 80, 40 + (i / 4) · (160 + 6 + 3 · 16 + 12) + 80).
        var read = JsonNode.Parse(ExternalTool.Python(
            "import sys, json; from PIL import Image; im = Image.open(sys.argv[1]).convert('RGB')\n"
            + "pts = [(12 + (i % 4) * 172 + 80, 40 + (i // 4) * 226 + 80) for i in range(6)]\n"
            + "print(json.dumps({'size': im.size, 'centres': [im.getpixel(p) for p in pts], 'belowWide': im.getpixel((12 + 80, 40 + 226 + 80 + 35))}))",
            png))!;
        Assert.Equal([12 + (4 * 172), 40 + (2 * 226)], read["size"]!.AsArray().Select(v => v!.GetValue<int>()));
        var centres = read["centres"]!.AsArray().Select(p => p!.AsArray().Select(v => v!.GetValue<int>()).ToArray()).ToList();
        for (var i = 0; i < colours.Length; i++)
        {
            Assert.Equal([colours[i].R, colours[i].G, colours[i].B], centres[i]);
        }

        // The wide one (120 × 40) is fitted to 160 × 53, centred: 35 px below the centre is the white cell, not the image.
        Assert.Equal([255, 255, 255], read["belowWide"]!.AsArray().Select(v => v!.GetValue<int>()));
        // The unreadable one is a grey cell.
        Assert.Equal([225, 225, 225], centres[5]);
    }

    private static Thumbnail Flat(int width, int height, (byte R, byte G, byte B) c)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            (rgb[i], rgb[i + 1], rgb[i + 2]) = c;
        }

        return new Thumbnail(width, height, rgb);
    }
}
