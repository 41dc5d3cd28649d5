using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasyMo.Testing;

/// <summary>
/// WhatsApp's Graph API, faked at the HTTP boundary by a real Kestrel server on loopback: messages, media (lookup and
/// download) and the phone number's settings. Every request is recorded; sends are answered as scripted (by default
/// 200 with a fresh <c>wamid</c>).
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string Version = "v24.0";
    public const string PhoneNumberId = "106540352242922";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GraphRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private FakeGraph(WebApplication app) => _app = app;

    /// <summary>The base to configure as WHATSAPP_GRAPH_BASE_URL.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>
    /// Decides the answer to a send from the request and the attempt number for its recipient (starting at 1). Default:
    /// 200 with a fresh <c>wamid</c>.
    /// </summary>
    public Func<GraphRequest, int, Task<GraphReply>> Responder { get; set; } = (_, _) => Task.FromResult(GraphReply.Sent());

    public IReadOnlyList<GraphRequest> Requests => _requests.ToArray();

    /// <summary>The sends (<c>POST …/messages</c>) recorded, in order; to <paramref name="to"/> only when given.</summary>
    public IReadOnlyList<GraphRequest> Sends(string? to = null) =>
        Requests.Where(request => request.Operation == "messages" && (to is null || request.To == to)).ToArray();

    /// <summary>What <c>GET …/settings</c> answers.</summary>
    public string SettingsBody { get; set; } = """{"calling":{"status":"ENABLED","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"app_id":"1234","sip_user_password":"s3cret"}]}}}""";

    /// <summary>
    /// Whether a <c>POST …/settings</c> becomes what the next <c>GET …/settings</c> answers, as at Meta: each SIP server
    /// given <see cref="SipAppId"/> and <see cref="SipPassword"/>. Off, <see cref="SettingsBody"/> stays as set.
    /// </summary>
    public bool SettingsFollowUpdates { get; set; } = true;

    /// <summary>The app id that a configured SIP server reads back with.</summary>
    public string SipAppId { get; set; } = "1234";

    /// <summary>The SIP password Meta generates, read back with credentials.</summary>
    public string SipPassword { get; set; } = "s3cret";

    /// <summary>When set, every settings request (read or write) is answered with this error instead.</summary>
    public GraphReply? SettingsError { get; set; }

    /// <summary>
    /// Media ids whose download stalls: headers with <c>Content-Length: 100000</c>, 10 bytes, then nothing until the client
    /// gives up (a half-open connection or a stuck CDN).
    /// </summary>
    public HashSet<string> StalledDownloads { get; } = [];

    /// <summary>
    /// The <c>url</c> that <c>GET /{media-id}</c> answers for a media id; by default this fake's own
    /// <c>/media-download/{media-id}</c>, which needs the bearer token.
    /// </summary>
    public Func<string, string>? MediaUrl { get; set; }

    /// <summary>Media ids whose download answers <c>302</c> to the given location instead of the bytes.</summary>
    public Dictionary<string, string> DownloadRedirects { get; } = [];

    /// <summary>A URL of this fake that serves <paramref name="mediaId"/> without a token, as a CDN URL signed in its query would.</summary>
    public Uri CdnUrl(string mediaId) => new(BaseUrl, $"media-cdn/{Uri.EscapeDataString(mediaId)}?oh=signed");

    /// <summary>The bytes of every media asset.</summary>
    public byte[] MediaBytes { get; set; } = Encoding.ASCII.GetBytes("OggS-fake-voice-note");

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraph(app);
        app.MapPost("/{version}/{phoneNumberId}/messages", fake.HandleMessageAsync);
        app.MapGet("/{version}/{phoneNumberId}/settings", fake.HandleGetSettingsAsync);
        app.MapPost("/{version}/{phoneNumberId}/settings", fake.HandlePostSettingsAsync);
        app.MapGet("/media-download/{mediaId}", fake.HandleDownloadAsync);
        app.MapGet("/media-cdn/{mediaId}", fake.HandleCdnAsync);
        app.MapGet("/{version}/" + PhoneNumberId, fake.HandlePhoneNumber);
        app.MapGet("/{version}/{mediaId}", fake.HandleMediaAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Answers each send with a Graph error <paramref name="code"/> (HTTP <paramref name="status"/>) the first <paramref name="failures"/> times, then 200.</summary>
    public void FailFirst(int failures, int status, int? code) =>
        Responder = (_, attempt) => Task.FromResult(attempt <= failures ? GraphReply.Error(status, code) : GraphReply.Sent());

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>When set, <c>GET /{version}/{phone-number-id}</c> answers 401 unless the bearer is this token; otherwise 200.</summary>
    public string? PhoneNumberToken { get; set; }

    private IResult HandlePhoneNumber(HttpContext context) =>
        PhoneNumberToken is null || context.Request.Headers.Authorization.ToString() == "Bearer " + PhoneNumberToken
            ? Results.Json(new { id = PhoneNumberId, display_phone_number = "+250 788 000 111", verified_name = "EasyMO" })
            : Results.Json(new { error = new { message = "Invalid OAuth access token.", type = "OAuthException", code = 190 } }, statusCode: 401);

    private async Task HandleMessageAsync(HttpContext context, string version, string phoneNumberId)
    {
        var body = await ReadAsync(context);
        string? to = null;
        string? type = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            to = json.RootElement.TryGetProperty("to", out var t) ? t.GetString() : null;
            type = json.RootElement.TryGetProperty("type", out var k) ? k.GetString() : null;
        }
        catch (JsonException)
        {
        }

        var attempt = _attempts.AddOrUpdate(to ?? string.Empty, 1, (_, n) => n + 1);
        var request = Record(context, "messages", version, phoneNumberId, body, to, type, attempt);
        GraphReply reply;
        try
        {
            reply = await Responder(request, attempt);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (reply.Status < 0)
        {
            context.Abort(); // the connection reset after the request was read: the sender cannot know whether it went out
            return;
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.Status == 200)
        {
            request.AnsweredMessageId = reply.MessageId;
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                messaging_product = "whatsapp",
                contacts = new[] { new { input = to, wa_id = to } },
                messages = new[] { new { id = reply.MessageId } },
            }));
        }
        else
        {
            await WriteErrorAsync(context, reply);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, GraphReply reply)
    {
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.Code is { } code)
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                error = new { message = reply.ErrorMessage ?? $"(#{code}) Test error", type = "OAuthException", code, fbtrace_id = "AbCdEf" },
            }));
        }
    }

    private async Task HandleGetSettingsAsync(HttpContext context, string version, string phoneNumberId)
    {
        Record(context, "settings.get", version, phoneNumberId, await ReadAsync(context), null, null, 1);
        if (SettingsError is { } error)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(SettingsBody);
    }

    private async Task HandlePostSettingsAsync(HttpContext context, string version, string phoneNumberId)
    {
        var request = Record(context, "settings.post", version, phoneNumberId, await ReadAsync(context), null, null, 1);
        if (SettingsError is { } error)
        {
            await WriteErrorAsync(context, error);
            return;
        }

        if (SettingsFollowUpdates)
        {
            var settings = JsonNode.Parse(request.Body)!.AsObject();
            foreach (var server in settings["calling"]?["sip"]?["servers"]?.AsArray() ?? [])
            {
                server!["app_id"] = SipAppId;
                server["sip_user_password"] = SipPassword;
            }

            SettingsBody = settings.ToJsonString();
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"success":true}""");
    }

    private async Task HandleMediaAsync(HttpContext context, string version, string mediaId)
    {
        Record(context, "media", version, mediaId, await ReadAsync(context), null, null, 1);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            messaging_product = "whatsapp",
            url = MediaUrl?.Invoke(mediaId) ?? new Uri(BaseUrl, $"media-download/{mediaId}").ToString(),
            mime_type = "audio/ogg",
            sha256 = Convert.ToHexStringLower(SHA256.HashData(MediaBytes)),
            file_size = MediaBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            id = mediaId,
        }));
    }

    private async Task HandleDownloadAsync(HttpContext context, string mediaId)
    {
        var request = Record(context, "media.download", string.Empty, mediaId, await ReadAsync(context), null, null, 1);
        if (request.Authorization.Length == 0)
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (DownloadRedirects.TryGetValue(mediaId, out var location))
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = location;
            return;
        }

        context.Response.ContentType = "audio/ogg";
        if (StalledDownloads.Contains(mediaId))
        {
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(MediaBytes.AsMemory(0, Math.Min(10, MediaBytes.Length)));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        await context.Response.Body.WriteAsync(MediaBytes);
    }

    private async Task HandleCdnAsync(HttpContext context, string mediaId)
    {
        Record(context, "media.cdn", string.Empty, mediaId, await ReadAsync(context), null, null, 1);
        context.Response.ContentType = "audio/ogg";
        await context.Response.Body.WriteAsync(MediaBytes);
    }

    private GraphRequest Record(HttpContext context, string operation, string version, string id, string body, string? to, string? type, int attempt)
    {
        var request = new GraphRequest(
            operation,
            version,
            id,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            body,
            to,
            type,
            attempt);
        _requests.Enqueue(request);
        return request;
    }

    private static async Task<string> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}

/// <summary>One request to the fake Graph API; <see cref="Id"/> is the phone number id or media id of its path.</summary>
public sealed record GraphRequest(
    string Operation,
    string Version,
    string Id,
    string Query,
    string Authorization,
    string? ContentType,
    string Body,
    string? To,
    string? Type,
    int Attempt)
{
    /// <summary>The <c>wamid</c> a send was answered with (200 only).</summary>
    public string? AnsweredMessageId { get; set; }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>How the fake answers a send: 200 with a <c>wamid</c>, or an HTTP error with an optional Graph error code.</summary>
public sealed record GraphReply(int Status, int? Code, string? MessageId)
{
    /// <summary>The <c>error.message</c> of an error reply; by default <c>(#code) Test error</c>.</summary>
    public string? ErrorMessage { get; init; }

    public static GraphReply Sent() => new(200, null, "wamid.TEST" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));

    public static GraphReply Error(int status, int? code) => new(status, code, null);

    /// <summary>No answer: the connection reset (TCP RST) once the request was read.</summary>
    public static GraphReply Reset() => new(-1, null, null);
}
