using System.Text.Json;
using System.Text.RegularExpressions;

namespace EasyMo.Sandbox;

/// <summary>
/// GPT-Live's <c>LiveSessionCreateRequest</c> (<c>POST /v1/live/sessions</c>), checked as strictly as OpenAI's schema so
/// that a body the service gets wrong fails here, not on the first real call-back: only <c>session</c> and
/// <c>transport</c>; a session with a <c>model</c> and no <c>type</c> (accept's session has one, this one must not); a SIP
/// transport to an E.164 <c>destination</c> through a <c>sips:host[:port]</c> trunk with digest credentials and an E.164
/// <c>caller_number</c>. WebRTC sessions are not faked. What is kept is what the sandbox plays and shows: never the trunk.
/// </summary>
internal static partial class LiveSessionCreateRequest
{
    /// <summary>What an outbound session keeps of the request: the trunk and its credentials are deliberately left out.</summary>
    public sealed record Outbound(string Model, string? Instructions, string Destination);

    /// <summary>A body OpenAI would refuse: its message and the offending parameter, never the value (it may be a secret).</summary>
    public sealed class InvalidException(string message, string? param) : Exception(message)
    {
        public string? Param { get; } = param;
    }

    // The rest of the session (audio, delegation, store, input, client) only shapes a real voice; the sandbox has none.
    private static readonly string[] Root = ["session", "transport"];
    private static readonly string[] Session = ["model", "instructions", "audio", "delegation", "store", "input", "client"];
    private static readonly string[] Transport = ["type", "destination", "trunk"];
    private static readonly string[] Trunk = ["provider_url", "auth", "caller_number"];
    private static readonly string[] Auth = ["type", "username", "password"];

    /// <summary>The outbound session <paramref name="body"/> asks for; <see cref="InvalidException"/> when OpenAI would answer 400.</summary>
    public static Outbound Read(JsonDocument? body)
    {
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidException("The request body must be a JSON object (LiveSessionCreateRequest).", null);
        }

        var root = body.RootElement;
        Only(root, null, Root);

        var session = Object(root, "session", "session");
        if (session.TryGetProperty("type", out _))
        {
            throw new InvalidException("Unknown parameter: 'session.type'. A created session has no type (only accept's session is 'live').", "session.type");
        }

        Only(session, "session", Session);
        var model = String(session, "model", "session.model");
        var instructions = session.TryGetProperty("instructions", out var given) && given.ValueKind != JsonValueKind.Null
            ? String(session, "instructions", "session.instructions", allowEmpty: true)
            : null;

        var transport = Object(root, "transport", "transport");
        var type = String(transport, "type", "transport.type");
        if (type != "sip")
        {
            throw new InvalidException(
                type == "webrtc" ? "Invalid 'transport.type': the sandbox places SIP calls only, WebRTC sessions are not faked." : "Invalid 'transport.type': expected 'sip' or 'webrtc'.",
                "transport.type");
        }

        Only(transport, "transport", Transport);
        var destination = E164(transport, "destination", "transport.destination");

        var trunk = Object(transport, "trunk", "transport.trunk");
        Only(trunk, "transport.trunk", Trunk);
        if (!ProviderUrl().IsMatch(String(trunk, "provider_url", "transport.trunk.provider_url")))
        {
            throw new InvalidException(
                "Invalid 'transport.trunk.provider_url': expected sips:host[:port][;transport=tcp] (TLS signalling is required, plaintext SIP is not supported; no user, path or other parameters).",
                "transport.trunk.provider_url");
        }

        var auth = Object(trunk, "auth", "transport.trunk.auth");
        Only(auth, "transport.trunk.auth", Auth);
        if (String(auth, "type", "transport.trunk.auth.type") != "digest")
        {
            throw new InvalidException("Invalid 'transport.trunk.auth.type': expected 'digest'.", "transport.trunk.auth.type");
        }

        if (String(auth, "username", "transport.trunk.auth.username").All(char.IsWhiteSpace))
        {
            throw new InvalidException("Invalid 'transport.trunk.auth.username': it must contain a non-whitespace character.", "transport.trunk.auth.username");
        }

        String(auth, "password", "transport.trunk.auth.password");
        E164(trunk, "caller_number", "transport.trunk.caller_number");

        return new Outbound(model, instructions, destination);
    }

    /// <summary>Refuses any property not in <paramref name="allowed"/> (the schema's <c>additionalProperties: false</c>).</summary>
    private static void Only(JsonElement element, string? path, string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                var param = path is null ? property.Name : $"{path}.{property.Name}";
                throw new InvalidException($"Unknown parameter: '{param}'.", param);
            }
        }
    }

    private static JsonElement Object(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            throw new InvalidException($"Missing required parameter: '{path}'.", path);
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new InvalidException($"Invalid type for '{path}': expected an object.", path);
    }

    private static string String(JsonElement parent, string name, string path, bool allowEmpty = false)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            throw new InvalidException($"Missing required parameter: '{path}'.", path);
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { } text && (allowEmpty || text.Length > 0)
            ? text
            : throw new InvalidException($"Invalid '{path}': expected a {(allowEmpty ? string.Empty : "non-empty ")}string.", path);
    }

    private static string E164(JsonElement parent, string name, string path)
    {
        var number = String(parent, name, path);
        return E164Number().IsMatch(number) ? number : throw new InvalidException($"Invalid '{path}': expected an E.164 phone number (^\\+[1-9][0-9]{{1,14}}$).", path);
    }

    // \z, not $: .NET's $ also matches before a final newline, which the schema's pattern does not allow.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164Number();

    // OpenAI's prose rule for the trunk, sips:host[:port][;transport=tcp] with an IPv6 host bracketed, as a pattern.
    [GeneratedRegex(@"^sips:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(;transport=tcp)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderUrl();
}
