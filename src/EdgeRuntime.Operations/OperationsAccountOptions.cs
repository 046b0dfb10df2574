namespace EdgeRuntime.Operations;

/// <summary>
/// An account that may read the operations endpoint, with its role: <c>monitor</c> reads metrics and health;
/// <c>reader</c> (an LIS, a viewer) also fetches results' artefacts.
/// </summary>
public sealed class OperationsAccountOptions
{
    /// <summary>Reads metrics and health.</summary>
    public const string MonitorRole = "monitor";

    /// <summary>Reads metrics and health, and fetches results' artefacts.</summary>
    public const string ReaderRole = "reader";

    /// <summary>User name.</summary>
    public string? Username { get; set; }

    /// <summary>Password, at least 12 characters. Keep it out of files others can read (<c>EdgeRuntime__Operations__Accounts__0__Password</c>).</summary>
    public string? Password { get; set; }

    /// <summary>The account's role: <c>monitor</c> (the default) or <c>reader</c>.</summary>
    public string Role { get; set; } = MonitorRole;

    /// <summary>Every problem with this account.</summary>
    /// <param name="path">Its configuration path.</param>
    public IEnumerable<string> Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Username) || Username.Contains(':', StringComparison.Ordinal))
        {
            yield return $"{path}:{nameof(Username)} is required and may not contain ':'.";
        }

        if (string.IsNullOrEmpty(Password) || Password.Length < 12)
        {
            yield return $"{path}:{nameof(Password)} must be at least 12 characters.";
        }

        if (Role is not (MonitorRole or ReaderRole))
        {
            yield return $"{path}:{nameof(Role)}: '{Role}' is not a role here; the operations endpoint knows '{MonitorRole}' and '{ReaderRole}'.";
        }
    }
}
