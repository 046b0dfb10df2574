using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>
/// Keeps a message a receiver refused for good, with the receiver's reason, in EdgeRuntime:Lis:RefusedFolder: the
/// result is not lost, and the sink's cursor moves on so that later slides are not held behind it.
/// </summary>
public sealed class RefusedMessages(LisOptions options)
{
    /// <summary>Writes <c>{slideId}.{sink}.{extension}</c> and its <c>.reason.txt</c>; returns the message's path.</summary>
    public string Keep(string slideId, string sink, string extension, string message, string reason)
    {
        Directory.CreateDirectory(options.RefusedFolder);
        var path = Path.Combine(options.RefusedFolder, $"{slideId}.{sink}.{extension}");
        AtomicFile.WriteText(path, message);
        AtomicFile.WriteText(path + ".reason.txt", reason + Environment.NewLine);
        return path;
    }
}
