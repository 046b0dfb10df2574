namespace EdgeRuntime.TestSupport;

/// <summary>
/// The built-in task plugins as edgert ships them (plugins/tasks/{id}/{version}/ beside the executable, copied
/// into every test project's output through its reference to the CLI).
/// </summary>
public static class BuiltInPlugins
{
    /// <summary>The shipped plugins root.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Copies the built-in task plugins under <paramref name="root"/>, as the installer does for a site's own plugins root.</summary>
    public static void InstallInto(string root)
    {
        var source = Path.Combine(Root, "tasks");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, "tasks", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
