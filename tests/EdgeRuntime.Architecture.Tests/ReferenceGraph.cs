using System.Text.RegularExpressions;

namespace EdgeRuntime.Architecture.Tests;

/// <summary>
/// The allowed project references, read from the table in docs/architecture.md between the <c>reference-graph</c>
/// markers: the page a reader opens is the rule the tests apply, so the two cannot drift apart. A row's project may
/// end in <c>*</c> (every task plugin); "—" allows nothing.
/// </summary>
internal sealed partial class ReferenceGraph
{
    private const string Start = "<!-- reference-graph -->";
    private const string End = "<!-- /reference-graph -->";
    private readonly Dictionary<string, IReadOnlySet<string>> rows;

    private ReferenceGraph(Dictionary<string, IReadOnlySet<string>> rows) => this.rows = rows;

    /// <summary>The projects named in the table (a <c>*</c> row counts as its prefix).</summary>
    public IEnumerable<string> Projects => rows.Keys;

    /// <summary>The exact project names (no <c>*</c> row): the projects a type may be checked against by namespace.</summary>
    public IEnumerable<string> NamedProjects => rows.Keys.Where(k => !k.EndsWith('*'));

    public static ReferenceGraph FromDocs(string repositoryRoot) => Parse(File.ReadAllText(Path.Combine(repositoryRoot, "docs", "architecture.md")));

    public static ReferenceGraph Parse(string markdown)
    {
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidDataException($"docs/architecture.md has no table between {Start} and {End}.");
        }

        var rows = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var line in markdown[start..end].Split('\n'))
        {
            var match = Row().Match(line);
            if (match.Success)
            {
                var allowed = Name().Matches(match.Groups["allowed"].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
                rows[match.Groups["project"].Value] = allowed;
            }
        }

        return new ReferenceGraph(rows);
    }

    /// <summary>What <paramref name="project"/> may reference, or null if the table does not name it.</summary>
    public IReadOnlySet<string>? AllowedFor(string project)
    {
        if (rows.TryGetValue(project, out var exact))
        {
            return exact;
        }

        return rows.Where(r => r.Key.EndsWith('*') && project.StartsWith(r.Key[..^1], StringComparison.Ordinal)).Select(r => r.Value).FirstOrDefault();
    }

    /// <summary>Every cycle in the table, each as "A -> B -> A"; none in a graph that points one way.</summary>
    public IReadOnlyList<string> Cycles()
    {
        // Depth-first over the rows: a project met again while its own references are being walked closes a cycle.
        var finished = new Dictionary<string, bool>(StringComparer.Ordinal);
        var cycles = new List<string>();
        void Visit(string project, Stack<string> path)
        {
            if (finished.TryGetValue(project, out var done))
            {
                if (!done)
                {
                    cycles.Add(string.Join(" -> ", path.Reverse().SkipWhile(p => p != project).Append(project)));
                }

                return;
            }

            finished[project] = false;
            path.Push(project);
            foreach (var next in AllowedFor(project) ?? new HashSet<string>())
            {
                Visit(next, path);
            }

            path.Pop();
            finished[project] = true;
        }

        foreach (var project in rows.Keys)
        {
            Visit(project, new Stack<string>());
        }

        return cycles;
    }

    [GeneratedRegex(@"^\|\s*`(?<project>EdgeRuntime\.[A-Za-z.*]+)`\s*\|(?<allowed>[^|]*)\|")]
    private static partial Regex Row();

    [GeneratedRegex(@"`(EdgeRuntime\.[A-Za-z.]+)`")]
    private static partial Regex Name();
}
