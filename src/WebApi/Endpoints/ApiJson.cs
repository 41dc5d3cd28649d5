using System.Text.Json;
using System.Text.Json.Serialization;
using EasyMo.Domain.Common;

namespace EasyMo.WebApi.Endpoints;

/// <summary>The HTTP API's JSON, decided here once: camelCase members (the web defaults) and states by their <see cref="StateNames"/>.</summary>
public static class ApiJson
{
    /// <summary>Spells every enum as the database does (<c>accepted</c>, <c>caller_hangup</c>, <c>not_asked</c>), in answers and in bodies read.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(StateNames.Policy, allowIntegerValues: false));
    }
}
