using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeRuntime.Operations;

/// <summary>
/// HTTP basic authentication against the configured accounts (beyond loopback the endpoint is TLS-only, so a password
/// never crosses the network in clear). Passwords are compared in constant time.
/// </summary>
internal sealed class BasicAuthentication(IReadOnlyList<OperationsAccountOptions> accounts)
{
    public bool Required => accounts.Count > 0;

    /// <summary>The account the request authenticates as, or null (no credentials, unknown user, wrong password).</summary>
    public OperationsAccountOptions? Account(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > 1024)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        OperationsAccountOptions? found = null;
        foreach (var account in accounts)
        {
            // Every account is compared, so the time taken does not tell which user names exist.
            var matches = string.Equals(account.Username, user, StringComparison.Ordinal)
                & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(account.Password ?? string.Empty), Encoding.UTF8.GetBytes(password));
            found = matches ? account : found;
        }

        return found;
    }
}
