using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Architecture.Tests;

// The rules would be worth nothing if they could not fail: each is shown a deliberate wrong-way reference.
public sealed class RulesCatchWrongWayTests
{
    private static readonly ReferenceGraph Graph = ReferenceGraph.FromDocs(TestData.RepoRoot);

    [Fact]
    public void A_declared_reference_from_slides_up_to_the_engine_is_reported_with_the_allowed_list()
    {
        var project = ProjectFile.Parse("/repo/src/EdgeRuntime.Slides/EdgeRuntime.Slides.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\EdgeRuntime.Abstractions\EdgeRuntime.Abstractions.csproj" />
                <ProjectReference Include="..\EdgeRuntime.Engine\EdgeRuntime.Engine.csproj" />
              </ItemGroup>
            </Project>
            """);

        var violation = Assert.Single(ReferenceRules.DeclaredViolations(Graph, project));
        Assert.Equal("EdgeRuntime.Slides references EdgeRuntime.Engine, which the reference graph of docs/architecture.md does not allow (allowed: EdgeRuntime.Abstractions, EdgeRuntime.Foundation).", violation);
    }

    [Fact]
    public void A_transport_that_reaches_into_the_engine_is_reported()
    {
        // Publishing gets progress, metrics and requests through the runtime's surfaces; the engine's insides are not its business.
        var project = ProjectFile.Parse("/repo/src/EdgeRuntime.Publishing/EdgeRuntime.Publishing.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\EdgeRuntime.Runtime\EdgeRuntime.Runtime.csproj" />
                <ProjectReference Include="..\EdgeRuntime.Engine\EdgeRuntime.Engine.csproj" />
              </ItemGroup>
            </Project>
            """);

        var violation = Assert.Single(ReferenceRules.DeclaredViolations(Graph, project));
        Assert.StartsWith("EdgeRuntime.Publishing references EdgeRuntime.Engine, which the reference graph of docs/architecture.md does not allow", violation);
    }

    [Fact]
    public void A_build_order_link_is_not_a_reference()
    {
        var project = ProjectFile.Parse("/repo/src/EdgeRuntime.Cli/EdgeRuntime.Cli.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\..\plugins\tasks\X\EdgeRuntime.Tasks.X.csproj" ReferenceOutputAssembly="false" />
              </ItemGroup>
            </Project>
            """);

        Assert.Empty(project.References);
    }

    [Fact]
    public void A_project_without_a_row_is_reported()
    {
        var project = ProjectFile.Parse("/repo/src/EdgeRuntime.Newcomer/EdgeRuntime.Newcomer.csproj", "<Project />");

        var violation = Assert.Single(ReferenceRules.DeclaredViolations(Graph, project));
        Assert.StartsWith("EdgeRuntime.Newcomer is not in the reference graph", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiled_code_that_uses_the_journal_is_reported_where_only_slides_rules_apply()
    {
        // The fixture is compiled into this assembly; judged by the Slides row, its use of the journal is a wrong way.
        var violations = ReferenceRules.CompiledViolations(Graph, "EdgeRuntime.Slides", Graph.AllowedFor("EdgeRuntime.Slides")!, typeof(RulesCatchWrongWayTests).Assembly, "EdgeRuntime.Architecture.Tests.Fixtures").ToList();

        var violation = Assert.Single(violations);
        Assert.Contains("WrongWayJournalUser", violation, StringComparison.Ordinal);
        Assert.Contains("uses EdgeRuntime.Journal", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_in_the_table_is_a_graph_that_does_not_point_one_way()
    {
        var graph = ReferenceGraph.Parse("""
            <!-- reference-graph -->
            | `EdgeRuntime.A` | `EdgeRuntime.B` |
            | `EdgeRuntime.B` | `EdgeRuntime.A` |
            <!-- /reference-graph -->
            """);

        Assert.Equal(["EdgeRuntime.A -> EdgeRuntime.B -> EdgeRuntime.A"], graph.Cycles());
    }
}
