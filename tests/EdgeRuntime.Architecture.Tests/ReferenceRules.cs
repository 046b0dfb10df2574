using System.Reflection;
using NetArchTest.Rules;

namespace EdgeRuntime.Architecture.Tests;

/// <summary>The checks, apart from the real projects, so a test can show each one catching a deliberate wrong way.</summary>
internal static class ReferenceRules
{
    /// <summary>The references <paramref name="project"/> declares that the graph does not allow, in words.</summary>
    public static IEnumerable<string> DeclaredViolations(ReferenceGraph graph, ProjectFile project)
    {
        var allowed = graph.AllowedFor(project.Name);
        if (allowed is null)
        {
            yield return $"{project.Name} is not in the reference graph of docs/architecture.md: add its row (what it may reference) there.";
            yield break;
        }

        foreach (var reference in project.References.Where(r => !allowed.Contains(r)))
        {
            yield return $"{project.Name} references {reference}, which the reference graph of docs/architecture.md does not allow (allowed: {Describe(allowed)}).";
        }
    }

    /// <summary>
    /// The types of <paramref name="assembly"/> (in <paramref name="namespacePrefix"/>, if given) that use a project
    /// <paramref name="allowed"/> does not name: what the compiled code really uses, whatever the .csproj says.
    /// </summary>
    public static IEnumerable<string> CompiledViolations(ReferenceGraph graph, string project, IReadOnlySet<string> allowed, Assembly assembly, string? namespacePrefix = null)
    {
        foreach (var other in graph.NamedProjects.Where(p => p != project && !allowed.Contains(p)))
        {
            var types = namespacePrefix is null ? Types.InAssembly(assembly).That().ResideInNamespace(project) : Types.InAssembly(assembly).That().ResideInNamespace(namespacePrefix);
            var result = types.ShouldNot().HaveDependencyOn(other).GetResult();
            if (!result.IsSuccessful)
            {
                foreach (var type in result.FailingTypeNames ?? [])
                {
                    yield return $"{type} (in {project}) uses {other}, which the reference graph of docs/architecture.md does not allow (allowed: {Describe(allowed)}).";
                }
            }
        }
    }

    private static string Describe(IReadOnlySet<string> allowed) => allowed.Count == 0 ? "nothing" : string.Join(", ", allowed.Order(StringComparer.Ordinal));
}
