using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EasyMo.WebApi.Security;

/// <summary>
/// Failed operator authentications per client address, in a fixed window of a minute (<c>Admin:FailedAttemptsPerMinute</c>).
/// Past the limit a wrong token is answered 429: guessing is slowed and its noise capped. A right token is never refused
/// here: start-up requires long random tokens in production, so the limiter is not what stops guessing, and an attacker
/// sharing an operator's address (a NAT, a proxy) cannot lock the operator out.
/// </summary>
public sealed class FailedAuthenticationLimiter : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _limiter;

    public FailedAuthenticationLimiter(IOptions<AdminOptions> options)
    {
        var permits = Math.Max(1, options.Value.FailedAttemptsPerMinute);
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(
            address, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Counts a failure from <paramref name="address"/>; false when it is over its limit (answer 429).</summary>
    public bool TryFail(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address?.ToString() ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
