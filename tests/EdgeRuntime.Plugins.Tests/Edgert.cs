using EdgeRuntime.Cli;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>Runs <c>edgert</c> in-process and captures what an admin would see.</summary>
internal static class Edgert
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = EdgertApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
