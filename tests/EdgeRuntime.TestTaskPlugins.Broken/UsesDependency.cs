using System.Runtime.CompilerServices;

namespace EdgeRuntime.TestTaskPlugins.Broken;

/// <summary>Touches a type of a package the host does not carry, so that a plugin folder without its assembly fails to load.</summary>
internal static class UsesDependency
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Name() => typeof(Cloud.Unum.USearch.USearchIndex).Assembly.GetName().Name!;
}
