using EasyMo.Domain.Common;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Calls;

/// <summary>Names the carrier trunk of a phone call from the number the caller dialed.</summary>
public sealed class TrunkDirectory(IOptions<CallHandlingOptions> options)
{
    private readonly (string Prefix, string Name)[] _trunks = options.Value.TrunksByDialedPrefix
        .Select(pair => (Prefix: pair.Key.Trim().TrimStart('+'), Name: pair.Value.Trim()))
        .Where(pair => pair.Prefix.Length > 0 && pair.Name.Length > 0)
        .OrderByDescending(pair => pair.Prefix.Length)
        .ToArray();

    public string? Find(PhoneNumber? dialed)
    {
        if (dialed is null)
        {
            return null;
        }

        foreach (var (prefix, name) in _trunks)
        {
            if (dialed.StartsWithCountryCode(prefix))
            {
                return name;
            }
        }

        return null;
    }
}
