using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// Values keyed by E.164 digit prefixes (country codes, number ranges), matched longest prefix first.
/// Entries whose prefix is empty or whose value cannot be read are left out.
/// </summary>
internal sealed class PrefixTable<T>
    where T : class
{
    private readonly (string Prefix, T Value)[] _entries;

    public PrefixTable(IEnumerable<KeyValuePair<string, string>> configured, Func<string, T?> read) =>
        _entries = configured
            .Select(pair => (Prefix: pair.Key.Trim().TrimStart('+'), Value: read(pair.Value.Trim())))
            .Where(entry => entry.Prefix.Length > 0 && entry.Value is not null)
            .OrderByDescending(entry => entry.Prefix.Length)
            .Select(entry => (entry.Prefix, entry.Value!))
            .ToArray();

    public T? Find(PhoneNumber? number)
    {
        if (number is not null)
        {
            foreach (var (prefix, value) in _entries)
            {
                if (number.StartsWithCountryCode(prefix))
                {
                    return value;
                }
            }
        }

        return null;
    }
}
