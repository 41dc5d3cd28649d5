using System.Net.Http.Headers;
using System.Security.Cryptography;
using EasyMo.WebApi.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>The service with WhatsApp configured (an app secret and a verify token made per host), and Meta's side of the webhook.</summary>
public sealed class WhatsAppHost : IAsyncDisposable
{
    public const string Path = "/whatsapp-webhook";

    private WhatsAppHost(EasyMoApp app, string appSecret, string verifyToken)
    {
        App = app;
        AppSecret = appSecret;
        VerifyToken = verifyToken;
        Signer = new WhatsAppSignatureVerifier(appSecret);
    }

    public EasyMoApp App { get; }

    public string AppSecret { get; }

    public string VerifyToken { get; }

    public WhatsAppSignatureVerifier Signer { get; }

    public static async Task<WhatsAppHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var appSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var verifyToken = "vt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        return new WhatsAppHost(await EasyMoApp.StartAsync(WithWhatsApp(appSecret, verifyToken).With(settings)), appSecret, verifyToken);
    }

    /// <summary>Posts a body signed as Meta signs it: over these exact bytes.</summary>
    public Task<HttpResponseMessage> PostAsync(string body, string path = Path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        return PostRawAsync(bytes, Signer.Sign(bytes), path);
    }

    public async Task<WhatsAppAnswer> PostOkAsync(string body, string path = Path)
    {
        using var response = await PostAsync(body, path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<WhatsAppAnswer>(TestContext.Current.CancellationToken))!;
    }

    public Task<HttpResponseMessage> PostRawAsync(byte[] body, string? signature, string path = Path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }

        return App.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Meta's subscription handshake; a null parameter is left out of the query.</summary>
    public static Task<HttpResponseMessage> HandshakeAsync(EasyMoApp app, string? mode, string? token, string? challenge, string path = Path)
    {
        var query = new List<string>();
        if (mode is not null)
        {
            query.Add("hub.mode=" + Uri.EscapeDataString(mode));
        }

        if (token is not null)
        {
            query.Add("hub.verify_token=" + Uri.EscapeDataString(token));
        }

        if (challenge is not null)
        {
            query.Add("hub.challenge=" + Uri.EscapeDataString(challenge));
        }

        return app.CreateClient().GetAsync(path + "?" + string.Join('&', query), TestContext.Current.CancellationToken);
    }

    /// <summary>Every row of the WhatsApp tables and of profiles, as JSON text: equal snapshots mean nothing changed.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var db = App.Db();
        var rows = await db.Database.SqlQueryRaw<string>(
            """
            SELECT t AS "Value" FROM (
              SELECT 'p' || row_to_json(p)::text AS t FROM profiles p
              UNION ALL SELECT 'w' || row_to_json(w)::text FROM whatsapp_calls w
              UNION ALL SELECT 'v' || row_to_json(v)::text FROM voice_notes v
              UNION ALL SELECT 'e' || row_to_json(e)::text FROM whatsapp_events e
              UNION ALL SELECT 'c' || row_to_json(c)::text FROM calls c
            ) AS everything ORDER BY t
            """).ToListAsync(TestContext.Current.CancellationToken);
        return string.Join('\n', rows);
    }

    public async Task ShouldHaveStoredNothingAsync()
    {
        await using var db = App.Db();
        (await db.WhatsAppEvents.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await db.WhatsAppCalls.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await db.VoiceNotes.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await db.Profiles.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

public sealed record WhatsAppAnswer(int Recorded, int Duplicates, int Ignored);
