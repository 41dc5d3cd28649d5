using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace EasyMo.Sandbox;

/// <summary>
/// The stand-ins on one Kestrel port: OpenAI's calls API, sideband WebSocket, Responses and Audio APIs under <c>/v1</c>,
/// WhatsApp's Graph API under <c>/{version}</c>, and <c>GET /</c>, a status page of what was received.
/// </summary>
public static class SandboxServer
{
    /// <summary>Builds the app; <paramref name="configure"/> overrides settings (tests).</summary>
    public static WebApplication Build(string[] args, Action<SandboxOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(SandboxOptions.DefaultUrls);
        }

        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<SandboxOptions>(builder.Configuration.GetSection(SandboxOptions.SectionName));
        if (configure is not null)
        {
            builder.Services.PostConfigure(configure);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxState>();

        var app = builder.Build();
        app.UseWebSockets();
        Map(app);
        return app;
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/", Status);

        var openAi = app.MapGroup("/v1");
        openAi.MapPost("/realtime/calls/{callId}/{operation}", CallOperationAsync);
        openAi.MapPost("/live/sessions", CreateLiveSessionAsync);
        openAi.MapPost("/live/sessions/{callId}/{operation}", LiveOperationAsync);
        openAi.Map("/live/sessions/{callId}/attach", LiveAttachAsync);
        openAi.MapPost("/responses", ResponsesAsync);
        openAi.MapPost("/audio/transcriptions", TranscriptionAsync);
        openAi.Map("/realtime", RealtimeAsync);

        app.MapPost("/{version}/{phoneNumberId}/messages", SendMessageAsync);
        app.MapGet("/{version}/{mediaId}", MediaInfo);
        app.MapGet("/sandbox-media/{mediaId}", MediaDownload);
    }

    private static IResult Status(SandboxState state) => Results.Json(new
    {
        service = "easymo-sandbox",
        fakes = new[]
        {
            "POST /v1/realtime/calls/{id}/accept|reject|refer|hangup",
            "WS /v1/realtime?call_id={id}",
            "POST /v1/live/sessions (outbound SIP)",
            "POST /v1/live/sessions/{id}/accept|reject|refer|hangup",
            "WS /v1/live/sessions/{id}/attach",
            "POST /v1/responses",
            "POST /v1/audio/transcriptions",
            "POST /{version}/{phone-number-id}/messages",
            "GET /{version}/{media-id}",
        },
        calls = state.Calls.Select(call => new
        {
            id = call.Id,
            status = call.Status,
            model = call.Model,
            sockets = call.Sockets,
            referredTo = call.ReferredTo,
            clientEvents = call.ClientEvents,
            transcript = call.Transcript.Select(turn => $"{turn.Speaker}: {turn.Text}"),
        }),
        // Call-backs the service placed; the trunk was never kept, and the number shows only enough to tell them apart.
        outbound = state.Calls.Where(call => call.Destination is not null).Select(call => new
        {
            id = call.Id,
            destination = MaskNumber(call.Destination!),
            status = call.Status,
        }),
        messages = state.Messages,
        requests = state.Requests,
    }, Json.Indented);

    private static async Task<IResult> CallOperationAsync(HttpContext context, string callId, string operation, SandboxState state, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("Sandbox.OpenAi");
        var result = await DecideAsync(context, callId, operation, state);
        state.Record(operation, callId, result.Status);
        logger.LogInformation("{Operation} {CallId} -> {Status}", operation, callId, result.Status);
        return result.Result;
    }

    /// <summary>GPT-Live's session control: the same calls, with Live's bodies (<c>{"session":{"type":"live",…}}</c>, a required <c>status_code</c>).</summary>
    private static async Task<IResult> LiveOperationAsync(HttpContext context, string callId, string operation, SandboxState state, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger("Sandbox.OpenAi");
        var result = await DecideAsync(context, callId, operation, state, live: true);
        state.Record("live." + operation, callId, result.Status);
        logger.LogInformation("live {Operation} {CallId} -> {Status}", operation, callId, result.Status);
        return result.Result;
    }

    /// <summary>
    /// GPT-Live's outbound call (<c>POST /v1/live/sessions</c> with a SIP transport): 201 with the session's id at once, as
    /// OpenAI answers before the callee does; the ringing and the answer are told on the session's sideband
    /// (<c>/v1/live/sessions/{id}/attach</c>). The trunk's credentials are read, checked and forgotten: never kept, logged or shown.
    /// </summary>
    private static async Task<IResult> CreateLiveSessionAsync(HttpContext context, SandboxState state, IOptions<SandboxOptions> options, ILoggerFactory logs)
    {
        if (!Authorized(context))
        {
            state.Record("live.create", string.Empty, 401);
            return OpenAiError(401, "You didn't provide an API key.", "invalid_request_error", "missing_api_key");
        }

        // Checked before the body, as an organization's entitlement is: whatever it sends, it may not dial.
        if (options.Value.OutboundSip == OutboundSipAccess.Disabled)
        {
            state.Record("live.create", string.Empty, 403);
            return OpenAiError(403, "Outbound SIP calling is not enabled for this organization.", "invalid_request_error", null, "outbound_sip_not_enabled");
        }

        LiveSessionCreateRequest.Outbound outbound;
        using (var body = await ReadJsonAsync(context))
        {
            try
            {
                outbound = LiveSessionCreateRequest.Read(body);
            }
            catch (LiveSessionCreateRequest.InvalidException invalid)
            {
                state.Record("live.create", string.Empty, 400);
                return OpenAiError(400, invalid.Message, "invalid_request_error", invalid.Param);
            }
        }

        var sessionId = "live_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        state.Call(sessionId).Dialing(outbound.Destination, outbound.Model, outbound.Instructions);
        state.Record("live.create", sessionId, 201);
        logs.CreateLogger("Sandbox.OpenAi").LogInformation("live create {SessionId}: dialing {Destination}", sessionId, MaskNumber(outbound.Destination));
        return Results.Json(new { session = new { id = sessionId }, transport = new { type = "sip" } }, statusCode: 201);
    }

    /// <summary>
    /// A phone number as the status page and the log show it: the first three digits and the last three
    /// (<c>+250•••••456</c>), enough to tell call-backs apart without keeping callers' numbers in view.
    /// </summary>
    internal static string MaskNumber(string number)
    {
        var digits = number.TrimStart('+');
        return digits.Length > 6 ? $"+{digits[..3]}•••••{digits[^3..]}" : $"+•••••{digits[^Math.Clamp(digits.Length - 1, 0, 3)..]}";
    }

    private static async Task<(int Status, IResult Result)> DecideAsync(HttpContext context, string callId, string operation, SandboxState state, bool live = false)
    {
        if (!Authorized(context))
        {
            return (401, OpenAiError(401, "You didn't provide an API key.", "invalid_request_error", "missing_api_key"));
        }

        using var body = await ReadJsonAsync(context);
        var call = state.FindCall(callId);
        switch (operation)
        {
            case "accept" when live:
                if (body is null || !body.RootElement.TryGetProperty("session", out var liveSession) || liveSession.ValueKind != JsonValueKind.Object)
                {
                    return (400, OpenAiError(400, "Missing required parameter: 'session' (LiveCallAcceptRequest).", "invalid_request_error", "session"));
                }

                if (Text(liveSession, "type") != "live" || Text(liveSession, "model") is not { Length: > 0 } liveModel)
                {
                    return (400, OpenAiError(400, "Invalid 'session': type 'live' and a model are required.", "invalid_request_error", "session.type"));
                }

                if (call is { Status: not "new" and not "accepted" })
                {
                    return (409, OpenAiError(409, $"Session '{callId}' can no longer accept this operation.", "invalid_request_error", "decision_already_made"));
                }

                state.Call(callId).Accepted(liveModel, Text(liveSession, "instructions"));
                return (200, Results.Ok());

            case "reject" when live && (body is null || !body.RootElement.TryGetProperty("status_code", out _)):
                return (400, OpenAiError(400, "Missing required parameter: 'status_code'.", "invalid_request_error", "status_code"));

            case "accept":
                if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (400, OpenAiError(400, "The request body must be a JSON object (RealtimeSessionCreateRequestGA).", "invalid_request_error", null));
                }

                if (Text(body.RootElement, "type") != "realtime")
                {
                    return (400, OpenAiError(400, "Invalid value for 'type': expected 'realtime'.", "invalid_request_error", "type"));
                }

                if (Text(body.RootElement, "model") is not { Length: > 0 } model)
                {
                    return (400, OpenAiError(400, "Missing required parameter: 'model'.", "invalid_request_error", "model"));
                }

                if (call is { Status: not "new" and not "accepted" })
                {
                    return (404, OpenAiError(404, $"Call '{callId}' is no longer ringing.", "invalid_request_error", null));
                }

                state.Call(callId).Accepted(model, Text(body.RootElement, "instructions"));
                return (200, Results.Ok());

            case "reject":
                if (call is { Status: not "new" })
                {
                    return (404, OpenAiError(404, $"Call '{callId}' is no longer ringing.", "invalid_request_error", null));
                }

                state.Call(callId).Rejected();
                return (200, Results.Ok());

            case "refer":
                if (call is null or { Live: false })
                {
                    return (404, OpenAiError(404, $"No live call '{callId}'.", "invalid_request_error", null));
                }

                var target = body is null ? null : Text(body.RootElement, "target_uri");
                if (string.IsNullOrEmpty(target))
                {
                    return (400, OpenAiError(400, "Missing required parameter: 'target_uri'.", "invalid_request_error", "target_uri"));
                }

                call.Over("referred", target);
                return (200, Results.Ok());

            case "hangup":
                // An outbound session may be hung up while it rings: the dial is cancelled.
                if (call is null or { Live: false, Ringing: false })
                {
                    return (404, OpenAiError(404, $"No live call '{callId}'.", "invalid_request_error", null));
                }

                call.Over("hung_up");
                return (200, Results.Ok());

            default:
                return (404, OpenAiError(404, $"Unknown operation '{operation}'.", "invalid_request_error", null));
        }
    }

    private static async Task<IResult> ResponsesAsync(HttpContext context, SandboxState state)
    {
        if (!Authorized(context))
        {
            state.Record("responses", string.Empty, 401);
            return OpenAiError(401, "You didn't provide an API key.", "invalid_request_error", "missing_api_key");
        }

        using var body = await ReadJsonAsync(context);
        if (body is null || Text(body.RootElement, "model") is not { Length: > 0 } model)
        {
            state.Record("responses", string.Empty, 400);
            return OpenAiError(400, "Missing required parameter: 'model'.", "invalid_request_error", "model");
        }

        var n = state.Next();
        var text = StructuredAnswer(body.RootElement) ?? Scripts.Summary(Scripts.LanguageOf(Text(body.RootElement, "instructions")));
        state.Record("responses", $"resp_sandbox_{n}", 200);
        return Results.Json(new
        {
            id = $"resp_sandbox_{n}",
            @object = "response",
            created_at = state.Now.ToUnixTimeSeconds(),
            status = "completed",
            model,
            output = new[]
            {
                new
                {
                    id = $"msg_sandbox_{n}",
                    type = "message",
                    status = "completed",
                    role = "assistant",
                    content = new[] { new { type = "output_text", text, annotations = Array.Empty<object>() } },
                },
            },
        });
    }

    /// <summary>
    /// For a structured-output request (<c>text.format</c> of type <c>json_schema</c>, as the post-call analysis sends):
    /// an object of the schema's properties, each string its first enum value (or "sandbox"), each boolean false; null
    /// for any other request.
    /// </summary>
    private static string? StructuredAnswer(JsonElement request)
    {
        if (!request.TryGetProperty("text", out var text) || !text.TryGetProperty("format", out var format)
            || Text(format, "type") != "json_schema" || !format.TryGetProperty("schema", out var schema)
            || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var answer = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var property in properties.EnumerateObject())
        {
            answer[property.Name] = Text(property.Value, "type") == "boolean"
                ? false
                : property.Value.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0 ? values[0].GetString() ?? "sandbox" : "sandbox";
        }

        return JsonSerializer.Serialize(answer);
    }

    private static async Task<IResult> TranscriptionAsync(HttpContext context, SandboxState state)
    {
        if (!Authorized(context))
        {
            state.Record("transcriptions", string.Empty, 401);
            return OpenAiError(401, "You didn't provide an API key.", "invalid_request_error", "missing_api_key");
        }

        if (!context.Request.HasFormContentType)
        {
            state.Record("transcriptions", string.Empty, 400);
            return OpenAiError(400, "Expected multipart/form-data with 'file' and 'model'.", "invalid_request_error", null);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files.GetFile("file") is null || string.IsNullOrEmpty(form["model"]))
        {
            state.Record("transcriptions", string.Empty, 400);
            return OpenAiError(400, "Missing 'file' or 'model'.", "invalid_request_error", null);
        }

        state.Record("transcriptions", form.Files.GetFile("file")!.FileName, 200);
        return Results.Json(new { text = Scripts.Transcription });
    }

    private static async Task RealtimeAsync(HttpContext context, SandboxState state, IOptions<SandboxOptions> options, ILoggerFactory logs)
    {
        var callId = context.Request.Query["call_id"].ToString();
        var call = state.FindCall(callId);
        var status = !Authorized(context) ? 401
            : !context.WebSockets.IsWebSocketRequest ? 400
            : call is null or { Live: false } ? 404
            : 101;
        state.Record("realtime", callId, status);
        if (status != 101)
        {
            // As OpenAI refuses a socket for a call it does not know (or that is over): no upgrade.
            context.Response.StatusCode = status;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await new RealtimeScript(call!, socket, options.Value, logs.CreateLogger("Sandbox.Realtime")).RunAsync(context.RequestAborted);
    }

    /// <summary>
    /// GPT-Live's sideband of an accepted session, played by the same script in Live's events; an outbound session's
    /// may be attached while it rings, as the service must to learn whether the callee answers.
    /// </summary>
    private static async Task LiveAttachAsync(HttpContext context, string callId, SandboxState state, IOptions<SandboxOptions> options, ILoggerFactory logs)
    {
        var call = state.FindCall(callId);
        var status = !Authorized(context) ? 401
            : !context.WebSockets.IsWebSocketRequest ? 400
            : call is null or { Live: false, Ringing: false } ? 404
            : 101;
        state.Record("live.attach", callId, status);
        if (status != 101)
        {
            context.Response.StatusCode = status;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await new RealtimeScript(call!, socket, options.Value, logs.CreateLogger("Sandbox.Live"), live: true).RunAsync(context.RequestAborted);
    }

    private static async Task<IResult> SendMessageAsync(HttpContext context, string version, string phoneNumberId, SandboxState state, ILoggerFactory logs)
    {
        if (!Authorized(context))
        {
            state.Record("messages", phoneNumberId, 401);
            return GraphError(401, "Invalid OAuth access token.", "OAuthException", 190);
        }

        using var body = await ReadJsonAsync(context);
        var to = body is null ? string.Empty : Text(body.RootElement, "to");
        if (body is null || Text(body.RootElement, "messaging_product") != "whatsapp" || to.Length == 0)
        {
            state.Record("messages", phoneNumberId, 400);
            return GraphError(400, "(#100) The parameter messaging_product and to are required.", "OAuthException", 100);
        }

        var type = Text(body.RootElement, "type");
        var text = body.RootElement.TryGetProperty("text", out var content) ? Text(content, "body") : null;
        var id = $"wamid.SANDBOX{state.Next():D6}{Guid.NewGuid():N}";
        state.Record(new SandboxMessage(id, state.Now, phoneNumberId, to, type, text));
        state.Record("messages", id, 200);
        logs.CreateLogger("Sandbox.Graph").LogInformation("message {Id} ({Type}) to {To}", id, type, to);
        var digits = new string(to.Where(char.IsAsciiDigit).ToArray());
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = to, wa_id = digits } },
            messages = new[] { new { id, message_status = "accepted" } },
        });
    }

    private static IResult MediaInfo(HttpContext context, string version, string mediaId, SandboxState state)
    {
        if (!Authorized(context))
        {
            state.Record("media", mediaId, 401);
            return GraphError(401, "Invalid OAuth access token.", "OAuthException", 190);
        }

        state.Record("media", mediaId, 200);
        var url = $"{context.Request.Scheme}://{context.Request.Host}/sandbox-media/{Uri.EscapeDataString(mediaId)}";
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            id = mediaId,
            url,
            mime_type = "audio/ogg",
            sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(MediaBytes)),
            file_size = MediaBytes.Length,
        });
    }

    private static IResult MediaDownload(HttpContext context, string mediaId, SandboxState state)
    {
        state.Record("media-download", mediaId, Authorized(context) ? 200 : 401);
        return Authorized(context) ? Results.Bytes(MediaBytes, "audio/ogg") : Results.StatusCode(401);
    }

    /// <summary>A few bytes standing in for a voice note (an Ogg page header; not playable).</summary>
    private static readonly byte[] MediaBytes = [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > "Bearer ".Length && header[7..].Trim().Length > 0;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? string.Empty
            : string.Empty;

    private static IResult OpenAiError(int status, string message, string type, string? param, string? code = null) =>
        Results.Json(new { error = new { message, type, param, code } }, statusCode: status);

    private static IResult GraphError(int status, string message, string type, int code) =>
        Results.Json(new { error = new { message, type, code, fbtrace_id = "sandbox" } }, statusCode: status);

    private static class Json
    {
        public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a page for people to read
        };
    }
}
