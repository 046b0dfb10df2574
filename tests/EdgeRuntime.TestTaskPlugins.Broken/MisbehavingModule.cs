using System.Runtime.InteropServices;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.TestTaskPlugins.Broken;

/// <summary>Does, when it is created, what the file <c>behaviour</c> in its folder says; registers one plain task otherwise.</summary>
public sealed class MisbehavingModule : ITaskModule
{
    private static readonly List<byte[]> Kept = [];

    public MisbehavingModule()
    {
        var folder = Path.GetDirectoryName(typeof(MisbehavingModule).Assembly.Location)!;
        var file = Path.Combine(folder, "behaviour");
        var behaviour = File.Exists(file) ? File.ReadAllText(file).Trim() : string.Empty;
        switch (behaviour)
        {
            case "throw":
                throw new InvalidOperationException("licence file not found");
            case "hang":
                Thread.Sleep(Timeout.Infinite);
                break;
            case "allocate":
                while (true)
                {
                    Kept.Add(new byte[16 * 1024 * 1024]);
                }

            case "allocate-native":
                while (true)
                {
                    // Never freed. The data-segment limit counts what is mapped, touched or not.
                    Marshal.AllocHGlobal(16 * 1024 * 1024);
                }

            case "native-library":
                NativeLibrary.Load(Path.Combine(folder, "libbroken.so"));
                break;
            case "stack-overflow":
                Recurse(0);
                break;
            case "fail-fast":
                Environment.FailFast("plugin gave up");
                break;
            case "use-dependency":
                _ = UsesDependency.Name();
                break;
            case "exit":
                Environment.Exit(0);
                break;
        }
    }

    public int ContractMajorVersion => ContractVersion.Major;

    public void Register(ITaskRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddTask(new PlainTask());
    }

    private static int Recurse(int depth) => Recurse(depth + 1) + 1;

    private sealed class PlainTask : ISlideTask
    {
        public string Name => "well-behaved";

        public int ContractMajorVersion => ContractVersion.Major;

        public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException("only loaded by the tests");
    }
}
