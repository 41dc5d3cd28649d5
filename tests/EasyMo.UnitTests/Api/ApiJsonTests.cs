using System.Text.Json;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.Persistence;
using EasyMo.WebApi.Endpoints;

namespace EasyMo.UnitTests.Api;

/// <summary>Every state the domain has is spelled the same by the API (its JSON options) and by the database (its converter).</summary>
public sealed class ApiJsonTests
{
    private static readonly JsonSerializerOptions Options = Configured();

    public static TheoryData<Type> DomainEnums() =>
        [.. typeof(EasyMo.Domain.Calls.Call).Assembly.GetTypes().Where(type => type.IsEnum && type.IsPublic).OrderBy(type => type.FullName)];

    [Theory]
    [MemberData(nameof(DomainEnums))]
    public void The_API_and_the_database_spell_every_state_alike(Type enumType)
    {
        var stored = typeof(ApiJsonTests).GetMethod(nameof(Stored), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(enumType);
        foreach (var value in Enum.GetValues(enumType))
        {
            var json = JsonSerializer.Serialize(value, enumType, Options);
            var name = (string)stored.Invoke(null, [value])!;

            json.ShouldBe($"\"{name}\"", $"{enumType.Name}.{value}");
            JsonSerializer.Deserialize(json, enumType, Options).ShouldBe(value);
        }
    }

    [Fact]
    public void A_state_is_snake_case_and_a_number_is_refused()
    {
        JsonSerializer.Serialize(EasyMo.Domain.Calls.CallEndReason.CallerHangup, Options).ShouldBe("\"caller_hangup\"");
        StateNames.Of(EasyMo.Domain.Privacy.Consent.NotAsked).ShouldBe("not_asked");

        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<EasyMo.Domain.Calls.CallStatus>("1", Options));
    }

    private static string Stored<TEnum>(TEnum value)
        where TEnum : struct, Enum => (string)ValueConverters.SnakeCase<TEnum>().ConvertToProvider(value)!;

    private static JsonSerializerOptions Configured()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }
}
