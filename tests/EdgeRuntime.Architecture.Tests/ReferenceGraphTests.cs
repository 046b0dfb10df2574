using System.Reflection;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Architecture.Tests;

// The reference graph in docs/architecture.md is the rule; each product project's .csproj and compiled assembly are
// checked against it. A wrong-way reference fails here, naming the project, the type and the row to change.
public sealed class ReferenceGraphTests
{
    private static readonly ReferenceGraph Graph = ReferenceGraph.FromDocs(TestData.RepoRoot);
    private static readonly IReadOnlyList<ProjectFile> Projects = ProjectFile.Product(TestData.RepoRoot);

    public static TheoryData<string> SourceProjects() => [.. Projects.Where(p => p.Path.Contains("/src/", StringComparison.Ordinal)).Select(p => p.Name)];

    private static Assembly Load(string project) => Assembly.Load(Projects.Single(p => p.Name == project).AssemblyName);

    [Fact]
    public void Every_product_project_has_a_row_and_declares_only_what_its_row_allows()
    {
        Assert.NotEmpty(Projects);
        var violations = Projects.SelectMany(p => ReferenceRules.DeclaredViolations(Graph, p)).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Compiled_code_uses_only_the_projects_its_row_allows(string project)
    {
        var violations = ReferenceRules.CompiledViolations(Graph, project, Graph.AllowedFor(project)!, Load(project)).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Every_declared_reference_is_used(string project)
    {
        // A reference declared and not used is a hidden corridor: it hands its project on to whoever references this one.
        var used = Load(project).GetReferencedAssemblies().Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var unused = Projects.Single(p => p.Name == project).References.Where(r => !used.Contains(r)).ToList();
        Assert.True(unused.Count == 0, $"{project} declares {string.Join(", ", unused)} but its compiled code uses none of it: remove the reference.");
    }

    [Fact]
    public void The_allowed_graph_points_one_way()
    {
        Assert.Empty(Graph.Cycles());
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Only_the_journal_and_the_embedded_broker_store_touch_SQLite(string project)
    {
        // Callers of the journal catch its own exception (JournalUnavailableException), never SQLite's.
        if (project == "EdgeRuntime.Journal")
        {
            return;
        }

        var result = NetArchTest.Rules.Types.InAssembly(Load(project))
            .That().DoNotResideInNamespace("EdgeRuntime.Publishing.Broker")
            .ShouldNot().HaveDependencyOn("Microsoft.Data.Sqlite")
            .GetResult();
        Assert.True(result.IsSuccessful, $"{project} uses SQLite in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
