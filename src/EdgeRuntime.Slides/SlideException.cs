namespace EdgeRuntime.Slides;

/// <summary>A slide could not be opened or read. The message names the file and the reason.</summary>
public class SlideException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public SlideException(string filePath, string reason, Exception? inner = null)
        : base($"{filePath}: {reason}", inner)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file concerned.</summary>
    public string FilePath { get; }

    /// <summary>What went wrong, without the file name.</summary>
    public string Reason { get; }
}

/// <summary>The file is not a slide or image that any installed reader can open.</summary>
internal sealed class UnsupportedSlideException(string filePath, string reason) : SlideException(filePath, reason);

/// <summary>The slide opened, but reading its pixels or metadata failed.</summary>
public sealed class SlideReadException(string filePath, string reason, Exception? inner = null) : SlideException(filePath, reason, inner);
