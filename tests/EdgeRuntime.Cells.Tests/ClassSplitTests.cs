using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// A nucleus split by its pixels' classes (<c>PostProcessingOptions.ClassSplitArea</c>): two touching discs of different
/// classes under a distance map that does not fall between them (what the reference head's maps did to a lymphocyte
/// touching a tumour nucleus) come out of the watershed as one instance; the class map tells them apart. Checked on
/// hand-made maps, and against the python mirror the training tool chooses the parameter with
/// (tools/cells/postprocessing.py), cell for cell.
/// </summary>
public sealed class ClassSplitTests
{
    private const int W = 48;
    private const int H = 32;

    [Fact]
    public void Two_touching_nuclei_of_different_classes_under_one_marker_are_split_only_when_asked()
    {
        var maps = TwoDiscs(sliver: false);
        var (_, merged) = CellPostProcessing.Run(maps, new PostProcessingOptions(0.5f, 0.4f, MinimumArea: 10));
        Assert.Single(merged); // the flat distance map gives one marker for both: the failure this option is for

        var (labels, cells) = CellPostProcessing.Run(maps, new PostProcessingOptions(0.5f, 0.4f, MinimumArea: 10, ClassSplitArea: 30));
        Assert.Equal(2, cells.Count);
        var left = cells.Single(c => c.Class == 0);
        var right = cells.Single(c => c.Class == 1);
        Assert.True(Math.Abs(left.CentroidX - 16) < 1 && Math.Abs(left.CentroidY - 16) < 1, $"{left.CentroidX}, {left.CentroidY}");
        Assert.True(Math.Abs(right.CentroidX - 28) < 1 && Math.Abs(right.CentroidY - 16) < 1, $"{right.CentroidX}, {right.CentroidY}");
        Assert.Equal(merged[0].Area, left.Area + right.Area); // every pixel of the instance goes to one of the two
        Assert.Equal(labels.Count(l => l > 0), left.Area + right.Area);
    }

    [Fact]
    public void A_part_of_another_class_under_the_area_does_not_split_a_nucleus()
    {
        // One disc whose pixels' classes disagree in a sliver (a few pixels of the other class at its rim): one nucleus.
        var maps = TwoDiscs(sliver: true);
        var (_, cells) = CellPostProcessing.Run(maps, new PostProcessingOptions(0.5f, 0.4f, MinimumArea: 10, ClassSplitArea: 30));
        Assert.Single(cells);
        Assert.Equal(0, cells[0].Class);
    }

    [Theory]
    [InlineData(false, 30)]
    [InlineData(true, 30)]
    [InlineData(false, 0)]
    [InlineData(false, 60)]
    public void The_python_mirror_finds_the_same_nuclei(bool sliver, int splitArea)
    {
        var maps = TwoDiscs(sliver);
        var (_, cells) = CellPostProcessing.Run(maps, new PostProcessingOptions(0.5f, 0.4f, MinimumArea: 10, ClassSplitArea: splitArea));
        using var temp = new TempDirectory();
        var input = temp.File("maps.json");
        File.WriteAllText(input, new JsonObject
        {
            ["w"] = W,
            ["h"] = H,
            ["nucleus"] = new JsonArray([.. maps.Foreground.Select(v => (JsonNode)v)]),
            ["distance"] = new JsonArray([.. maps.Distance!.Select(v => (JsonNode)v)]),
            ["classes"] = new JsonArray([.. maps.ClassProbabilities!.Select(v => (JsonNode)v)]),
        }.ToJsonString());
        var output = ExternalTool.Python(
            """
            import json, sys
            import numpy as np
            sys.path.insert(0, sys.argv[2])
            import postprocessing as post
            m = json.load(open(sys.argv[1]))
            w, h = m["w"], m["h"]
            nucleus = np.array(m["nucleus"], np.float32).reshape(h, w)
            distance = np.array(m["distance"], np.float32).reshape(h, w)
            classes = np.array(m["classes"], np.float32).reshape(-1, h, w)
            _, cells = post.run(nucleus, distance, classes, 0.5, 0.4, 10, int(sys.argv[3]))
            print(json.dumps(sorted([[round(x, 6), round(y, 6), c, a] for x, y, c, a in cells])))
            """,
            input, Path.Combine(TestData.RepoRoot, "tools", "cells"), splitArea.ToString(CultureInfo.InvariantCulture));
        var mirror = JsonNode.Parse(output)!.AsArray().Select(c => (Math.Round(c![0]!.GetValue<double>(), 6), Math.Round(c[1]!.GetValue<double>(), 6), c[2]!.GetValue<int>(), c[3]!.GetValue<int>())).ToList();
        var runtime = cells.Select(c => (Math.Round(c.CentroidX, 6), Math.Round(c.CentroidY, 6), c.Class, c.Area)).Order().ToList();
        Assert.Equal(mirror, runtime);
    }

    // Two discs of radius 6 centred 12 px apart (touching along x = 22), nucleus probability 0.9 on both and 0.6 on the
    // bridge a blurred map leaves between them, a distance map flat at 0.6 on all of it (one marker), class 0 on the
    // left disc and class 1 on the right; with `sliver`, the right disc is class 0 too but for 4 pixels at its rim.
    private static CellMaps TwoDiscs(bool sliver)
    {
        var n = W * H;
        var foreground = new float[n];
        var distance = new float[n];
        var probabilities = new float[2 * n];
        for (var y = 0; y < H; y++)
        {
            for (var x = 0; x < W; x++)
            {
                var i = (y * W) + x;
                double px = x + 0.5, py = y + 0.5;
                var inLeft = ((px - 16) * (px - 16)) + ((py - 16) * (py - 16)) <= 36;
                var inRight = ((px - 28) * (px - 28)) + ((py - 16) * (py - 16)) <= 36;
                var bridge = px > 20 && px < 24 && Math.Abs(py - 16) < 3;
                foreground[i] = inLeft || inRight ? 0.9f : bridge ? 0.6f : 0.05f;
                distance[i] = inLeft || inRight || bridge ? 0.6f : 0f;
                var classOne = !sliver ? px >= 22 : x >= 33 && y >= 15 && y <= 16 && x <= 34;
                probabilities[i] = classOne ? 0.2f : 0.8f;
                probabilities[n + i] = classOne ? 0.8f : 0.2f;
            }
        }

        return new CellMaps(W, H, foreground, distance, null, null, probabilities, 2);
    }
}
