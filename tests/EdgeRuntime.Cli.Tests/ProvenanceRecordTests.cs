using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

// The one typed provenance record replaces six hand-built objects; what it writes must stay the bytes a result
// document carried before (readers such as a LIS compare them) and valid against docs/result.schema.json.
public sealed class ProvenanceRecordTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_model_is_written_id_version_hash_then_name()
    {
        var json = new ModelIdentity("plip", "1.0.0", Hash).ToProvenance("PLIP").ToJson().ToJsonString();
        Assert.Equal($$"""{"id":"plip","version":"1.0.0","sha256":"{{Hash}}","name":"PLIP"}""", json);
        ValidateAgainst(json, "properties.provenance.properties.model");
    }

    [Fact]
    public void A_class_set_is_written_kind_first()
    {
        var json = new ClassSource(ClassSource.Prototypes, "crc", "2.0.0", Hash).ToProvenance().ToJson().ToJsonString();
        Assert.Equal($$"""{"kind":"prototypes","id":"crc","version":"2.0.0","sha256":"{{Hash}}"}""", json);
        ValidateAgainst(json, "$defs.classSet");
    }

    [Fact]
    public void Absent_optional_fields_are_left_out_not_written_null()
    {
        var json = new Provenance("default", "1.0.0", Hash).ToJson().ToJsonString();
        Assert.Equal($$"""{"id":"default","version":"1.0.0","sha256":"{{Hash}}"}""", json);
        ValidateAgainst(json, "properties.provenance.properties.prompts");
    }

    [Fact]
    public void A_hash_that_is_not_lower_case_hex_is_refused_by_the_schema_the_test_uses()
    {
        // The check below is not vacuous: the same validation refuses what the schema forbids.
        var json = new Provenance("plip", "1.0.0", "ABC").ToJson().ToJsonString();
        Assert.Throws<InvalidOperationException>(() => ValidateAgainst(json, "properties.provenance.properties.model"));
    }

    // Python's jsonschema against one part of the result schema (with its $defs, for references).
    private static void ValidateAgainst(string json, string pointer)
    {
        var schema = Path.Combine(TestData.RepoRoot, "docs", "result.schema.json");
        ExternalTool.Run(ExternalTool.DebianPython,
        [
            "-c",
            "import sys, json, functools, jsonschema; s = json.load(open(sys.argv[1])); part = functools.reduce(lambda d, k: d[k], sys.argv[2].split('.'), s); part = dict(part, **{'$defs': s['$defs']}); jsonschema.validate(json.load(sys.stdin), part)",
            schema,
            pointer,
        ], stdin: json);
    }
}
