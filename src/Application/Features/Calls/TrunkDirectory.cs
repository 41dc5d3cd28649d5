using EasyMo.Domain.Common;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls;

/// <summary>Names the carrier trunk of a phone call from the number the caller dialed.</summary>
public sealed class TrunkDirectory(IOptions<CallHandlingOptions> options)
{
    private readonly PrefixTable<string> _trunks = new(options.Value.TrunksByDialedPrefix, name => name.Length > 0 ? name : null);

    public string? Find(PhoneNumber? dialed) => _trunks.Find(dialed);
}
