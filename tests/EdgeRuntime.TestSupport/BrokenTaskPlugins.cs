using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// A corpus of task plugins that are broken in the ways plugins break in the field, each installed as
/// <c>{root}/tasks/{kind}/1.0.0</c>: files that are not what they claim, deps.json files that trip the .NET host's
/// native resolver, a missing dependency, an assembly built for another framework, and plugins that throw, hang,
/// allocate without bound or crash the process while they are created (the misbehaving test plugin, told how
/// by a file beside it).
/// </summary>
public static class BrokenTaskPlugins
{
    /// <summary>Every kind of broken plugin in the corpus.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        "junk-dll", "bad-il", "empty-deps", "garbage-deps", "deep-deps", "huge-deps", "cyclic-deps", "missing-dependency", "wrong-framework",
        "native-library", "throws", "hangs", "allocates", "allocates-native", "stack-overflow", "fail-fast", "exits",
    ];

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/{Configuration}/net10.0

    /// <summary>The misbehaving plugin's build output (it loads well while no <c>behaviour</c> file is beside it).</summary>
    public static string MisbehavingAssembly => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins.Broken", "bin", Configuration, "net10.0", "EdgeRuntime.TestTaskPlugins.Broken.dll");

    /// <summary>Installs the broken plugin <paramref name="kind"/> as <c>tasks/{id}/{version}</c> (id defaults to the kind); returns its folder.</summary>
    public static string Install(string root, string kind, string? id = null, string version = "1.0.0")
    {
        var folder = Path.Combine(root, "tasks", id ?? kind, version);
        Directory.CreateDirectory(folder);
        const string name = "EdgeRuntime.TestTaskPlugins.Broken";
        var deps = Path.Combine(folder, name + ".deps.json");
        switch (kind)
        {
            case "junk-dll":
                // The field report: a DLL that is no assembly, and a deps.json that is just {}.
                File.WriteAllBytes(Path.Combine(folder, "Bad.dll"), Junk(4096));
                File.WriteAllText(Path.Combine(folder, "Bad.deps.json"), "{}");
                break;
            case "bad-il":
                // The built-in feature task with its assembly damaged (the deps.json is intact).
                CopyFeatures(folder);
                File.WriteAllBytes(Path.Combine(folder, "EdgeRuntime.Tasks.FeatureExtraction.dll"), Junk(4096));
                break;
            case "empty-deps":
                CopyMisbehaving(folder, null);
                File.WriteAllText(deps, string.Empty);
                break;
            case "garbage-deps":
                CopyMisbehaving(folder, null);
                File.WriteAllBytes(deps, Junk(2048));
                break;
            case "deep-deps":
                CopyMisbehaving(folder, null);
                File.WriteAllText(deps, new string('[', 2_000_000) + new string(']', 2_000_000));
                break;
            case "huge-deps":
                CopyMisbehaving(folder, null);
                File.WriteAllText(deps, HugeDeps(name));
                break;
            case "cyclic-deps":
                CopyMisbehaving(folder, null);
                File.WriteAllText(deps, CyclicDeps(name));
                break;
            case "missing-dependency":
                // Shipped without the package assembly it uses when it is created.
                CopyMisbehaving(folder, "use-dependency");
                File.Delete(Path.Combine(folder, "Cloud.Unum.USearch.dll"));
                break;
            case "wrong-framework":
                File.WriteAllBytes(Path.Combine(folder, "FutureTask.dll"), FutureFrameworkAssembly());
                File.WriteAllText(Path.Combine(folder, "FutureTask.deps.json"), """
                    {"runtimeTarget":{"name":".NETCoreApp,Version=v99.0"},
                     "targets":{".NETCoreApp,Version=v99.0":{"FutureTask/1.0.0":{"runtime":{"FutureTask.dll":{}}}}},
                     "libraries":{"FutureTask/1.0.0":{"type":"project","serviceable":false,"sha512":""}}}
                    """);
                break;
            case "native-library":
                CopyMisbehaving(folder, "native-library");
                File.WriteAllBytes(Path.Combine(folder, "libbroken.so"), Junk(8192));
                break;
            default:
                CopyMisbehaving(folder, kind switch
                {
                    "throws" => "throw",
                    "hangs" => "hang",
                    "allocates" => "allocate",
                    "allocates-native" => "allocate-native",
                    "stack-overflow" => "stack-overflow",
                    "fail-fast" => "fail-fast",
                    "exits" => "exit",
                    _ => throw new ArgumentException($"no broken plugin '{kind}'", nameof(kind)),
                });
                break;
        }

        return folder;
    }

    /// <summary>Installs the misbehaving plugin with no behaviour: it loads, with its one task <c>well-behaved</c>.</summary>
    public static string InstallWorking(string root, string id, string version)
    {
        var folder = Path.Combine(root, "tasks", id, version);
        Directory.CreateDirectory(folder);
        CopyMisbehaving(folder, null);
        return folder;
    }

    private static void CopyFeatures(string folder)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(BuiltInPlugins.Root, "tasks", "features", "1.0.0")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static void CopyMisbehaving(string folder, string? behaviour)
    {
        var source = Path.GetDirectoryName(MisbehavingAssembly)!;
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        if (behaviour is not null)
        {
            File.WriteAllText(Path.Combine(folder, "behaviour"), behaviour);
        }
    }

    private static byte[] Junk(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    // 20 000 libraries, each naming a file that does not exist: tens of megabytes for the resolver to read.
    private static string HugeDeps(string name)
    {
        var targets = new StringBuilder();
        var libraries = new StringBuilder();
        targets.Append("""{"runtimeTarget":{"name":".NETCoreApp,Version=v10.0"},"targets":{".NETCoreApp,Version=v10.0":{"NAME/1.0.0":{"runtime":{"NAME.dll":{}}}""".Replace("NAME", name, StringComparison.Ordinal));
        libraries.Append("""},"libraries":{"NAME/1.0.0":{"type":"project","serviceable":false,"sha512":""}""".Replace("NAME", name, StringComparison.Ordinal));
        for (var i = 0; i < 20_000; i++)
        {
            targets.Append(""","PaddingINDEX/1.0.0":{"runtime":{"lib/net10.0/PaddingINDEX.dll":{}}}""".Replace("INDEX", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            libraries.Append(""","PaddingINDEX/1.0.0":{"type":"package","serviceable":true,"sha512":"sha512-x","path":"paddingINDEX/1.0.0"}""".Replace("INDEX", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        return targets.Append('}').Append(libraries).Append("}}").ToString();
    }

    // The plugin depends on A, A on B, B on A.
    private static string CyclicDeps(string name) => """
        {"runtimeTarget":{"name":".NETCoreApp,Version=v10.0"},
         "targets":{".NETCoreApp,Version=v10.0":{
           "NAME/1.0.0":{"dependencies":{"CycleA":"1.0.0"},"runtime":{"NAME.dll":{}}},
           "CycleA/1.0.0":{"dependencies":{"CycleB":"1.0.0"},"runtime":{"lib/net10.0/CycleA.dll":{}}},
           "CycleB/1.0.0":{"dependencies":{"CycleA":"1.0.0"},"runtime":{"lib/net10.0/CycleB.dll":{}}}}},
         "libraries":{
           "NAME/1.0.0":{"type":"project","serviceable":false,"sha512":""},
           "CycleA/1.0.0":{"type":"package","serviceable":true,"sha512":"sha512-a","path":"cyclea/1.0.0"},
           "CycleB/1.0.0":{"type":"package","serviceable":true,"sha512":"sha512-b","path":"cycleb/1.0.0"}}}
        """.Replace("NAME", name, StringComparison.Ordinal);

    /// <summary>
    /// An assembly as a compiler for a future .NET would write it: one public class whose base type lives in
    /// <c>System.Runtime</c> 99.0.0.0, which this runtime does not have.
    /// </summary>
    private static byte[] FutureFrameworkAssembly()
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(0, metadata.GetOrAddString("FutureTask.dll"), metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(metadata.GetOrAddString("FutureTask"), new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.Sha1);
        var runtime = metadata.AddAssemblyReference(
            metadata.GetOrAddString("System.Runtime"), new Version(99, 0, 0, 0), default,
            metadata.GetOrAddBlob(new byte[] { 0xb0, 0x3f, 0x5f, 0x7f, 0x11, 0xd5, 0x0a, 0x3a }), default, default);
        var baseType = metadata.AddTypeReference(runtime, metadata.GetOrAddString("System"), metadata.GetOrAddString("Object"));
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default, MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        metadata.AddTypeDefinition(
            TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed, metadata.GetOrAddString("FutureTask"), metadata.GetOrAddString("FutureTask"),
            baseType, MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var image = new BlobBuilder();
        new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder()).Serialize(image);
        return image.ToArray();
    }
}
