using System.Collections.Concurrent;
using System.Text.Json;
using EasyMo.Application.Features.Calls;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>The agent tools' parameter schemas as JSON, parsed once: both runtimes' accept bodies carry them.</summary>
internal static class ToolSchemas
{
    private static readonly ConcurrentDictionary<string, JsonElement> Parsed = new();

    public static JsonElement Of(AgentTool tool) =>
        Parsed.GetOrAdd(tool.ParametersSchema, schema => JsonDocument.Parse(schema).RootElement.Clone());
}
