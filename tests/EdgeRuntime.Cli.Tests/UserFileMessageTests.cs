using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Files people write (prompt sets, model manifests) are refused in their own words: the field, what is wrong, line
/// and column, the nearest field name; never the .NET type they are read into (issue 23 §2).
/// </summary>
public sealed class UserFileMessageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_misspelt_prompt_set_field_is_named_with_the_nearest_valid_one()
    {
        var path = temp.File("prompts.json");
        File.WriteAllText(path, """
            {"schemaVersion": 1, "id": "x", "name": "X", "version": "1.0.0",
             "family": ["clip"], "templates": ["{}"], "classes": [{"name": "a", "synonyms": ["a"]}]}
            """);
        var e = Assert.Throws<InvalidDataException>(() => PromptSetFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains("'family' is not a field here; did you mean 'families'?", StringComparison.Ordinal), e.Message);
        DotnetNames.AssertNone(e.Message);
    }

    [Theory]
    [InlineData("""{"schemaVersion": "one"}""", "field 'schemaVersion': must be a whole number")]
    [InlineData("""{"schemaVersion": 1, "id": "x"}""", "required field(s) missing")]
    [InlineData("""{"schemaVersion": 1, "id": "x", "name": "X", "version": "1", "families": ["clip"], "templates": ["{}"], "classes": [{"name": "a", "synonim": ["a"]}]}""", "'synonim' is not a field here; did you mean 'synonyms'?")]
    public void Prompt_set_errors_say_the_field_and_what_it_takes(string json, string expected)
    {
        var path = temp.File("prompts.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => PromptSetFile.Load(path));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message + " <- " + e.InnerException?.Message);
        Assert.Contains("line 1, column", e.Message);
        DotnetNames.AssertNone(e.Message);
    }

    [Fact]
    public void A_model_manifest_error_exits_1_naming_the_field_without_type_names()
    {
        var package = Directory.CreateDirectory(temp.File("package")).FullName;
        File.WriteAllText(Path.Combine(package, "model.json"), """{"schemaVersion": 1, "familly": "clip"}""");
        var (code, _, error) = Edgert.Run("models", "check", package);
        Assert.Equal(1, code);
        Assert.Contains("'familly' is not a field here", error);
        DotnetNames.AssertNone(error);
    }
}
