using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasyMo.Testing;

/// <summary>
/// OpenAI's call control (the Realtime calls API and GPT-Live's sessions), faked at the HTTP boundary by a real Kestrel server on loopback: it records every
/// request and answers as scripted (200 with an empty body by default, as OpenAI does).
/// </summary>
public sealed partial class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<(string Operation, string CallId), int> _attempts = new();

    private FakeOpenAi(WebApplication app) => _app = app;

    /// <summary>The REST base to configure as OPENAI_BASE_URL (ends in <c>/v1</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>
    /// Decides each answer from (operation, call id, attempt number starting at 1): a status code, after an optional
    /// delay. Default: 200 at once.
    /// </summary>
    public Func<string, string, int, Task<int>> Responder { get; set; } = (_, _, _) => Task.FromResult(200);

    /// <summary>A <see cref="Responder"/> answer: no answer at all, the connection reset (TCP RST) after the request was read.</summary>
    public const int Reset = -1;

    /// <summary>
    /// Under <see cref="FirstDecisionWins"/>: the connection reset before the decision was taken (the request never
    /// counted); the client cannot tell it from <see cref="Reset"/>.
    /// </summary>
    public const int ResetUndecided = -2;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>
    /// The body of a 200 answer to <c>POST /v1/responses</c> (recorded as operation <c>responses</c>), from the request
    /// body. Default: a Responses API object whose output text is "Summary.".
    /// </summary>
    public Func<string, string> ResponsesBody { get; set; } = _ => ResponseWithText("Summary.");

    /// <summary>
    /// The body of a 200 answer to the call analysis's <c>POST /v1/responses</c> (a request with a <c>json_schema</c> text
    /// format, recorded as operation <c>analysis</c>), from the request body. Default: a valid analysis
    /// (<see cref="DefaultAnalysis"/>).
    /// </summary>
    public Func<string, string> AnalysisBody { get; set; } = _ => ResponseWithText(DefaultAnalysis);

    /// <summary>The analysis the fake answers unless told otherwise: pharmacy, resolved, positive, Kinyarwanda, no fault.</summary>
    public const string DefaultAnalysis =
        """{"service":"pharmacy","outcome":"resolved","sentiment":"positive","language":"rw","misunderstood":false,"repeated":false}""";

    /// <summary>A Responses API object whose message refuses (a <c>refusal</c> content part instead of output text).</summary>
    public static string ResponseWithRefusal(string refusal) => System.Text.Json.JsonSerializer.Serialize(new
    {
        id = "resp_test",
        @object = "response",
        status = "completed",
        output = new[]
        {
            new { type = "message", role = "assistant", content = new[] { new { type = "refusal", refusal } } },
        },
    });

    /// <summary>A minimal Responses API object carrying <paramref name="text"/> as its output text.</summary>
    public static string ResponseWithText(string text) => System.Text.Json.JsonSerializer.Serialize(new
    {
        id = "resp_test",
        @object = "response",
        status = "completed",
        output = new[]
        {
            new { type = "message", role = "assistant", content = new[] { new { type = "output_text", text } } },
        },
    });

    public static async Task<FakeOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenAi(app);
        app.MapPost("/v1/realtime/calls/{callId}/{operation}", (HttpContext context, string callId, string operation) => fake.ControlAsync(context, callId, operation, Realtime));
        app.MapPost("/v1/live/sessions/{callId}/{operation}", (HttpContext context, string callId, string operation) => fake.ControlAsync(context, callId, operation, Live));
        app.MapPost("/v1/responses", fake.HandleResponsesAsync);
        app.MapGet("/v1/models", fake.HandleModels);
        fake.MapOutbound(app);
        fake.MapRealtime(app);
        fake.MapAudio(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return fake;
    }

    public IReadOnlyList<RecordedRequest> For(string operation, string? callId = null) =>
        Requests.Where(request => request.Operation == operation && (callId is null || request.CallId == callId)).ToArray();

    /// <summary>The SIP status of the one reject the service sent for <paramref name="callId"/>.</summary>
    public int RejectStatus(string callId) =>
        JsonDocument.Parse(For("reject", callId).ShouldHaveSingleItem().Body).RootElement.GetProperty("status_code").GetInt32();

    /// <summary>The SIP URI of the one REFER the service sent for <paramref name="callId"/>.</summary>
    public string? ReferTarget(string callId) =>
        JsonDocument.Parse(For("refer", callId).ShouldHaveSingleItem().Body).RootElement.GetProperty("target_uri").GetString();

    /// <summary>Answers <paramref name="status"/> to every request of <paramref name="operation"/>, 200 to the others.</summary>
    public void Answer(string operation, int status) =>
        Responder = (op, _, _) => Task.FromResult(op == operation ? status : 200);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>When set, <c>GET /v1/models</c> answers 401 unless the bearer is this key (as OpenAI does); otherwise 200.</summary>
    public string? ModelsKey { get; set; }

    private IResult HandleModels(HttpContext context) =>
        ModelsKey is null || context.Request.Headers.Authorization.ToString() == "Bearer " + ModelsKey
            ? Results.Json(new { @object = "list", data = new[] { new { id = "gpt-realtime", @object = "model" } } })
            : Results.Json(new { error = new { message = "Incorrect API key provided.", type = "invalid_request_error", code = "invalid_api_key" } }, statusCode: 401);

    private async Task HandleResponsesAsync(HttpContext context)
    {
        // A structured-output request is the call analysis; any other is a summary or a voice note's reply.
        context.Request.EnableBuffering();
        using var peek = await JsonDocument.ParseAsync(context.Request.Body);
        context.Request.Body.Position = 0;
        var analysis = peek.RootElement.TryGetProperty("text", out var text) && text.TryGetProperty("format", out var format)
            && format.TryGetProperty("type", out var type) && type.GetString() == "json_schema";
        var operation = analysis ? "analysis" : "responses";

        var (body, attempt) = await RecordAsync(context, operation, string.Empty);
        context.Response.StatusCode = await Responder(operation, string.Empty, attempt);
        if (context.Response.StatusCode == 200)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(analysis ? AnalysisBody(body) : ResponsesBody(body));
        }
    }

    private async Task<(string Body, int Attempt)> RecordAsync(HttpContext context, string operation, string callId, string surface = Realtime)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var attempt = _attempts.AddOrUpdate((operation, callId), 1, (_, n) => n + 1);
        _requests.Enqueue(new RecordedRequest(
            operation,
            callId,
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers["OpenAI-Project"].ToString(),
            context.Request.Headers["OpenAI-Organization"].ToString(),
            context.Request.ContentType,
            body,
            attempt)
        { Surface = surface });
        return (body, attempt);
    }

    /// <summary>A call's control on either surface (GPT-Live's sessions are answered like the Realtime calls API).</summary>
    private async Task ControlAsync(HttpContext context, string callId, string operation, string surface)
    {
        var (_, attempt) = await RecordAsync(context, operation, callId, surface);
        var status = await Responder(operation, callId, attempt);
        if (status < 0)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = status;
        if (context.Response.StatusCode == StatusCodes.Status409Conflict)
        {
            // "The first accept or reject decision wins; a later competing decision returns decision_already_made."
            await context.Response.WriteAsJsonAsync(new { error = new { message = "A decision was already made for this call.", type = "invalid_request_error", code = "decision_already_made" } });
        }
    }

    /// <summary>
    /// Answers as OpenAI is assumed to (docs/adr/0004): the first accept or reject of a call wins, every later one gets
    /// 409 <c>decision_already_made</c>; <paramref name="first"/> answers the first decision (null: 200).
    /// </summary>
    public void FirstDecisionWins(Func<string, int, Task<int>>? first = null)
    {
        FirstDecisions.Clear();
        Responder = async (operation, callId, attempt) =>
        {
            if (operation is not ("accept" or "reject"))
            {
                return 200;
            }

            if (!FirstDecisions.TryAdd(SameCallIds.GetValueOrDefault(callId, callId), operation))
            {
                return StatusCodes.Status409Conflict;
            }

            var status = first is null ? 200 : await first(operation, attempt);
            if (status == ResetUndecided)
            {
                FirstDecisions.TryRemove(SameCallIds.GetValueOrDefault(callId, callId), out _); // the decision was never taken
            }

            return status;
        };
    }

    /// <summary>The surface of the Realtime calls API (<c>/v1/realtime/calls</c>), as <see cref="RecordedRequest.Surface"/> names it.</summary>
    public const string Realtime = "realtime";

    /// <summary>The surface of GPT-Live's sessions (<c>/v1/live/sessions</c>).</summary>
    public const string Live = "live";

    /// <summary>
    /// One pending SIP call under two of OpenAI's ids (its <c>rtc_…</c> call and its <c>live_…</c> session): under
    /// <see cref="FirstDecisionWins"/> the first accept or reject at either surface decides both, as OpenAI documents.
    /// </summary>
    public void SameCall(string realtimeCallId, string liveSessionId) => SameCallIds[liveSessionId] = realtimeCallId;

    private ConcurrentDictionary<string, string> SameCallIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Under <see cref="FirstDecisionWins"/>: each call's first decision (accept or reject), the one OpenAI keeps.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> FirstDecisions { get; } = new(StringComparer.Ordinal);
}

public sealed record RecordedRequest(
    string Operation,
    string CallId,
    string Authorization,
    string Project,
    string Organization,
    string? ContentType,
    string Body,
    int Attempt)
{
    /// <summary>The API surface asked: <see cref="FakeOpenAi.Realtime"/> or <see cref="FakeOpenAi.Live"/>.</summary>
    public string Surface { get; init; } = FakeOpenAi.Realtime;
}
