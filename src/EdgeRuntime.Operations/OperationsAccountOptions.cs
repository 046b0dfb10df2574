namespace EdgeRuntime.Operations;

/// <summary>An account that may read the operations endpoint. Its role is <c>monitor</c>: metrics and health, nothing else.</summary>
public sealed class OperationsAccountOptions
{
    /// <summary>The only role an operations account has: it reads metrics and health.</summary>
    public const string MonitorRole = "monitor";

    /// <summary>User name.</summary>
    public string? Username { get; set; }

    /// <summary>Password, at least 12 characters. Keep it out of files others can read (<c>EdgeRuntime__Operations__Accounts__0__Password</c>).</summary>
    public string? Password { get; set; }

    /// <summary>The account's role; <c>monitor</c> (the default) is the only one.</summary>
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

        if (Role != MonitorRole)
        {
            yield return $"{path}:{nameof(Role)}: '{Role}' is not a role here; the operations endpoint knows '{MonitorRole}'.";
        }
    }
}
