namespace EdgeRuntime.TestSupport;

/// <summary>Checks a result document against docs/result.schema.json with an independent validator.</summary>
public static class ResultSchema
{
    /// <summary>Throws (with the validator's message) unless <paramref name="json"/> is valid.</summary>
    public static void Validate(string json)
    {
        // Python's jsonschema (Debian python3-jsonschema), not our own reading of the schema.
        var schema = Path.Combine(TestData.RepoRoot, "docs", "result.schema.json");
        ExternalTool.Run(ExternalTool.DebianPython, ["-c", "import sys, json, jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))", schema], stdin: json);
    }
}
