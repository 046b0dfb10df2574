using System.Text.RegularExpressions;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>Messages for people name options, keys and fields, never .NET's types or its binder's settings.</summary>
internal static partial class DotnetNames
{
    public static void AssertNone(string message)
    {
        Assert.DoesNotContain("System.", message);
        Assert.DoesNotContain("BinderOptions", message);
        Assert.DoesNotContain(".NET member", message);
        Assert.DoesNotMatch(QualifiedTypeName(), message);
    }

    // A namespace-qualified type such as EdgeRuntime.Inference.Prompts.PromptSet (file paths have slashes, not dots).
    [GeneratedRegex(@"\bEdgeRuntime\.[A-Z][A-Za-z]+\.[A-Z]")]
    private static partial Regex QualifiedTypeName();
}
