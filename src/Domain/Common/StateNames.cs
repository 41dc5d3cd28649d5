using System.Text.Json;

namespace EasyMo.Domain.Common;

/// <summary>
/// The one spelling of a state outside the process (<c>CallerHangup</c> → <c>caller_hangup</c>): the database columns
/// and the SQL that compares them, the operators' API and its filters, the webhook's answer. The API spells enums with the
/// same policy (<see cref="Policy"/>), and a test holds the two together.
/// </summary>
public static class StateNames
{
    /// <summary>snake_case, lower: the naming policy the names are made with.</summary>
    public static JsonNamingPolicy Policy => JsonNamingPolicy.SnakeCaseLower;

    /// <summary>The name of <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => Policy.ConvertName(value.ToString());

    /// <summary>Every name of <typeparamref name="TEnum"/>, in the enum's order.</summary>
    public static string[] All<TEnum>()
        where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(Of)];

    /// <summary>The value named <paramref name="name"/> (as <see cref="Of{TEnum}"/> writes it).</summary>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(name);
        return Enum.Parse<TEnum>(name.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
    }
}
