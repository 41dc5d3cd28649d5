using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>Columns hold plain text: E.164 numbers, ISO language codes, snake_case enum names.</summary>
internal static class ValueConverters
{
    // EF Core never hands null to a converter; the nullable forms are for optional columns.
    public static readonly ValueConverter<PhoneNumber?, string> Phone = new(
        phone => phone!.Value,
        value => PhoneNumber.Parse(value));

    public static readonly ValueConverter<PhoneNumber, string> RequiredPhone = new(
        phone => phone.Value,
        value => PhoneNumber.Parse(value));

    public static readonly ValueConverter<Domain.Calls.OpenAiCallId, string> OpenAiCallId = new(
        id => id.Value,
        value => new Domain.Calls.OpenAiCallId(value));

    public static readonly ValueConverter<Domain.WhatsApp.WaId, string> WaId = new(
        waId => waId.Value,
        value => new Domain.WhatsApp.WaId(value));

    public static readonly ValueConverter<Language?, string> OptionalLanguage = new(
        language => language!.Code,
        value => Domain.Common.Language.FromCode(value));

    public static readonly ValueConverter<Language, string> Language = new(
        language => language.Code,
        value => Domain.Common.Language.FromCode(value));

    /// <summary>
    /// The channel as the contract and the API name it (<c>whatsapp</c>, <c>phone</c>), not in snake case (<c>whats_app</c>),
    /// so that SQL over the column (the operators' list, filters and stats) needs no translation.
    /// </summary>
    public static readonly ValueConverter<Domain.Calls.CallChannel, string> Channel = new(
        channel => Domain.Calls.CallChannels.Name(channel),
        value => Enum.Parse<Domain.Calls.CallChannel>(value.Replace("_", string.Empty, StringComparison.Ordinal), true));

    public static ValueConverter<TEnum, string> SnakeCase<TEnum>()
        where TEnum : struct, Enum => new(
            value => StateNames.Of(value),
            value => StateNames.Parse<TEnum>(value));
}
