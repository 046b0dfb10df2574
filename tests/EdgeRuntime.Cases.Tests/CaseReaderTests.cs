using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using ZXing;

namespace EdgeRuntime.Cases.Tests;

public sealed class CaseReaderTests : IDisposable
{
    private const string Pattern = @"^(?<accession>[A-Z]+\d{2}-\d+)_(?<specimen>[A-Z])(?<block>\d+)_(?<slide>\d+)_(?<stain>[A-Za-z0-9]+)\.svs$";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void File_name_pattern_gives_each_named_group_with_its_source()
    {
        var path = Copy("S24-01234_A3_2_HE.svs");
        var found = Read(path, new CaseOptions { Sources = [CaseSources.FileName], FileNamePattern = Pattern });
        Assert.Equal(["S24-01234", "A", "3", "2", "HE"], found.Identifiers.Select(i => i.Value));
        Assert.All(found.Identifiers, i => Assert.Equal(("file-name", "S24-01234_A3_2_HE.svs"), (i.Source, i.From)));
        Assert.Equal("accession", found.Identifiers[0].Name);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_gives_no_identifier_and_the_result_says_so()
    {
        var path = Copy("CMU-1-Small-Region.svs");
        var found = Read(path, new CaseOptions { Sources = [CaseSources.FileName], FileNamePattern = Pattern });
        Assert.False(found.Found);
        Assert.Contains(found.Problems, p => p.Contains("'CMU-1-Small-Region.svs' does not match", StringComparison.Ordinal));
        var json = found.ToJson();
        Assert.False(json["found"]!.GetValue<bool>());
        Assert.Equal("no case identifier found in: file-name", json["note"]!.GetValue<string>());
    }

    [Fact]
    public void Sidecar_gives_identifiers_and_wins_over_the_file_name_whose_other_value_is_a_conflict()
    {
        var path = Copy("S24-01234_A3_2_HE.svs");
        File.WriteAllText(path + ".case.json", """{"accession": "S24-09999", "stain": "H&E"}""");
        var found = Read(path, new CaseOptions { Sources = [CaseSources.Sidecar, CaseSources.FileName], FileNamePattern = Pattern });
        Assert.Equal(("S24-09999", "sidecar", "S24-01234_A3_2_HE.svs.case.json"), Of(found.Get("accession")));
        Assert.Equal(("H&E", "sidecar", "S24-01234_A3_2_HE.svs.case.json"), Of(found.Get("stain")));
        Assert.Equal(("3", "file-name", "S24-01234_A3_2_HE.svs"), Of(found.Get("block")));
        Assert.Equal(["S24-01234", "HE"], found.Conflicts.Select(c => c.Value));
    }

    [Fact]
    public void A_huge_sidecar_is_not_read_and_the_slide_goes_on()
    {
        var path = Copy("CMU-1-Small-Region.svs");
        File.WriteAllText(path + ".case.json", "{\"accession\": \"" + new string('A', 200_000) + "\"}");
        var found = Read(path, new CaseOptions { Sources = [CaseSources.Sidecar, CaseSources.Properties], Properties = { ["slide"] = "aperio.ImageID" } });
        Assert.Null(found.Get("accession"));
        Assert.Equal(("1004486", "properties", "aperio.ImageID"), Of(found.Get("slide")));
        Assert.Contains(found.Problems, p => p.Contains("more than EdgeRuntime:Cases:SidecarMaxBytes (65536)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sidecar_that_is_not_json_or_not_an_object_or_has_wrong_fields_is_named_in_the_problems()
    {
        var path = Copy("CMU-1-Small-Region.svs");
        var options = new CaseOptions { Sources = [CaseSources.Sidecar] };
        File.WriteAllText(path + ".case.json", "{\"accession\": \"S1\",");
        Assert.Contains(Read(path, options).Problems, p => p.Contains("is not valid JSON", StringComparison.Ordinal));
        File.WriteAllText(path + ".case.json", "[\"S1\"]");
        Assert.Contains(Read(path, options).Problems, p => p.Contains("must be one JSON object", StringComparison.Ordinal));
        File.WriteAllText(path + ".case.json", "{\"accession\": 12, \"patient\": \"Doe\", \"slide\": \"a\\u0007b\", \"block\": \"B1\"}");
        var found = Read(path, options);
        Assert.Equal(["B1"], found.Identifiers.Select(i => i.Value));
        Assert.Contains(found.Problems, p => p.Contains("'accession' must be a string", StringComparison.Ordinal));
        Assert.Contains(found.Problems, p => p.Contains("'patient', which is not an identifier", StringComparison.Ordinal));
        Assert.Contains(found.Problems, p => p.Contains("contains control characters", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sidecar_that_is_a_link_is_not_followed()
    {
        var path = Copy("CMU-1-Small-Region.svs");
        var target = temp.File("elsewhere.json");
        File.WriteAllText(target, """{"accession": "S24-LINKED"}""");
        File.CreateSymbolicLink(path + ".case.json", target);
        var found = Read(path, new CaseOptions { Sources = [CaseSources.Sidecar] });
        Assert.False(found.Found);
        Assert.Contains(found.Problems, p => p.Contains("a link", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sidecar_is_never_taken_from_the_inbox_as_a_slide() =>
        Assert.True(CompletenessTracker.IsIgnoredName("S24-01234_A3_2_HE.svs.case.json"));

    [Theory]
    [InlineData(BarcodeFormat.DATA_MATRIX, false)]
    [InlineData(BarcodeFormat.DATA_MATRIX, true)]
    [InlineData(BarcodeFormat.CODE_128, false)]
    [InlineData(BarcodeFormat.CODE_128, true)]
    public void The_barcode_on_a_real_slides_label_is_decoded_through_OpenSlide(BarcodeFormat format, bool rotated)
    {
        var path = LabelSlide.Write(temp.Path, "scan-0001.svs", "S24-01234 A3 2 HE", format, rotated);
        var found = Read(path, new CaseOptions
        {
            Sources = [CaseSources.LabelBarcode],
            BarcodePattern = @"^(?<accession>\S+) (?<specimen>[A-Z])(?<block>\d+) (?<slide>\d+) (?<stain>\S+)$",
        });
        Assert.Equal(["S24-01234", "A", "3", "2", "HE"], found.Identifiers.Select(i => i.Value));
        Assert.All(found.Identifiers, i => Assert.Equal(("label-barcode", $"{format} on the 'label' image"), (i.Source, i.From)));
    }

    [Fact]
    public void Without_a_barcode_pattern_the_whole_barcode_is_the_slide_identifier()
    {
        var path = LabelSlide.Write(temp.Path, "scan-0002.svs", "SL-778812", BarcodeFormat.DATA_MATRIX);
        var found = Read(path, new CaseOptions { Sources = [CaseSources.LabelBarcode] });
        Assert.Equal(("SL-778812", "label-barcode", "DATA_MATRIX on the 'label' image"), Of(Assert.Single(found.Identifiers)));
    }

    [Fact]
    public void A_handwritten_label_gives_no_barcode_and_says_so()
    {
        // CMU-1's label is the scanner's own photograph of a handwritten "CMU-1".
        var found = Read(Copy("CMU-1-Small-Region.svs"), new CaseOptions());
        Assert.False(found.Found);
        Assert.Equal(["sidecar", "label-barcode", "properties", "file-name"], found.SourcesTried);
        Assert.Contains("label-barcode: no barcode found on the 'label' image.", found.Problems);
    }

    [Fact]
    public void A_slide_without_a_label_image_is_read_from_its_other_sources()
    {
        var found = Read(Copy("test3-DAPI-2.ndpi"), new CaseOptions { Properties = { ["stain"] = "hamamatsu.missing|hamamatsu.SourceLens" } });
        Assert.DoesNotContain(found.Problems, p => p.StartsWith("label-barcode", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_options_are_refused_with_their_configuration_paths()
    {
        var options = new CaseOptions
        {
            Sources = ["sidecar", "barcode", "sidecar"],
            FileNamePattern = "^(?<case>.+)$",
            BarcodePattern = "([",
            SidecarMaxBytes = 0,
            BarcodeFormats = ["DATAMATRIX"],
            Properties = { ["patient"] = "aperio.Barcode" },
        };
        var errors = options.Validate().ToList();
        Assert.Contains("EdgeRuntime:Cases:Sources:1 is 'barcode'; a source is one of sidecar, label-barcode, properties, file-name.", errors);
        Assert.Contains("EdgeRuntime:Cases:Sources:2 names 'sidecar' a second time.", errors);
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Cases:FileNamePattern has a group 'case'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Cases:BarcodePattern is not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Cases:SidecarMaxBytes must be 1 to 1048576", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Cases:BarcodeFormats:0 is 'DATAMATRIX'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Cases:Properties:patient is not an identifier", StringComparison.Ordinal));
        Assert.Equal(7, errors.Count);
        Assert.Throws<ArgumentException>(() => new CaseReader(options, NullLogger<CaseReader>.Instance));
    }

    [Fact]
    public void The_case_object_matches_the_result_schema_found_or_not()
    {
        var path = Copy("S24-01234_A3_2_HE.svs");
        File.WriteAllText(path + ".case.json", "{\"accession\": \"S24-09999\"");
        var found = Read(path, new CaseOptions { FileNamePattern = Pattern });
        var none = Read(Copy("CMU-1-Small-Region.svs"), new CaseOptions());
        foreach (var slideCase in new[] { found, none, SlideCase.NotRead })
        {
            // Python's jsonschema against the result schema's own definition of "case".
            ExternalTool.Run(ExternalTool.DebianPython, ["-c", """
                import sys, json, jsonschema
                schema = json.load(open(sys.argv[1]))
                defs = dict(schema["$defs"], case=schema["properties"]["case"])
                jsonschema.validate(json.load(sys.stdin), {"$schema": schema["$schema"], "$ref": "#/$defs/case", "$defs": defs})
                """, Path.Combine(TestData.RepoRoot, "docs", "result.schema.json")], stdin: slideCase.ToJson().ToJsonString());
        }

        Assert.Equal("S24-01234", found.Get("accession")!.Value);
        Assert.Contains(found.Problems, p => p.Contains("is not valid JSON", StringComparison.Ordinal));
    }

    private static (string, string, string)? Of(CaseIdentifier? i) => i is null ? null : (i.Value, i.Source, i.From);

    private string Copy(string slide)
    {
        var path = temp.File(slide);
        File.Copy(TestData.Slide(slide.EndsWith(".ndpi", StringComparison.Ordinal) ? slide : "CMU-1-Small-Region.svs"), path);
        return path;
    }

    private static SlideCase Read(string path, CaseOptions options)
    {
        using var slide = new SlideOpener(new SlideReadingOptions()).Open(path);
        return new CaseReader(options, NullLogger<CaseReader>.Instance).Read(path, slide);
    }
}
