using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeRuntime.Operations;

/// <summary>
/// HTTP basic authentication against the configured accounts (the endpoint is TLS-only whenever accounts are needed,
/// so the password never travels in clear). Passwords are compared in constant time.
/// </summary>
internal sealed class BasicAuthentication(IReadOnlyList<OperationsAccountOptions> accounts)
{
    public bool Required => accounts.Count > 0;

    public bool Allows(HttpRequest request)
    {
        if (!Required)
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > 1024)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        var allowed = false;
        foreach (var account in accounts)
        {
            // Every account is compared, so the time taken does not tell which user names exist.
            allowed |= string.Equals(account.Username, user, StringComparison.Ordinal)
                & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(account.Password ?? string.Empty), Encoding.UTF8.GetBytes(password));
        }

        return allowed;
    }
}
