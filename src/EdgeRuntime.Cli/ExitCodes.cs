namespace EdgeRuntime.Cli;

/// <summary>Process exit codes of <c>edgert</c>, documented in <c>edgert --help</c> and the README.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The input could not be opened or read; the message names the file and why.</summary>
    public const int InputError = 1;

    /// <summary>Bad command line or configuration; the message names the option or configuration key.</summary>
    public const int UsageError = 2;

    /// <summary>A native dependency (libopenslide) is missing; the message says which package to install.</summary>
    public const int MissingDependency = 3;

    /// <summary>A plugin change was queued for the running service, which has not answered within the wait; the message says how to follow it.</summary>
    public const int NotConfirmed = 4;
    /// <summary><c>edgert tag</c>: the slide has no tissue to analyse, or is not brightfield; no tags (the message says why).</summary>
    public const int NoTags = 5;
}
