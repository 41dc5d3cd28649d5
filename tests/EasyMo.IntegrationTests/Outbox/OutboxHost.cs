using System.Security.Cryptography;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.IntegrationTests.WhatsApp;
using EasyMo.WebApi.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Outbox;

/// <summary>
/// The service with WhatsApp sending configured against a <see cref="FakeGraph"/>, and a fast outbox dispatcher (sweeps
/// every 50 ms, retries after ~50–200 ms, requests time out after 1 s).
/// </summary>
internal sealed class OutboxHost : IAsyncDisposable
{
    private OutboxHost(EasyMoApp app, string accessToken, string appSecret)
    {
        App = app;
        AccessToken = accessToken;
        Signer = new WhatsAppSignatureVerifier(appSecret);
    }

    public EasyMoApp App { get; }

    public string AccessToken { get; }

    public WhatsAppSignatureVerifier Signer { get; }

    public static async Task<OutboxHost> StartAsync(
        FakeGraph graph,
        IDictionary<string, string?>? settings = null,
        string? connectionString = null,
        FakeOpenAi? openAi = null,
        string? accessToken = null,
        TimeProvider? time = null)
    {
        var appSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var token = accessToken ?? "EAAG" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var all = TestSettings.Combine(
            WithWhatsApp(appSecret, "vt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
            WithWhatsAppSending(graph, token),
            WithOutbox(),
            settings ?? new Dictionary<string, string?>());

        return new OutboxHost(await EasyMoApp.StartAsync(all, connectionString, openAi, time: time), token, appSecret);
    }

    /// <summary>Queues a call fallback for <paramref name="digits"/> as the call decision does.</summary>
    public static async Task<OutboxMessage> QueueAsync(EasyMoApp app, string digits, string body = "The assistant is unavailable; write to us here.")
    {
        var message = OutboxMessage.CallFallback(Events.NewCallId().AsCallId(), PhoneNumber.Parse("+" + digits), Language.English, body, DateTimeOffset.UtcNow);
        await using var db = app.Db();
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync(Ct);
        return message;
    }

    public Task<OutboxMessage> QueueAsync(string digits) => QueueAsync(App, digits);

    public static async Task<OutboxMessage> ReadAsync(EasyMoApp app, Guid id)
    {
        await using var db = app.Db();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(message => message.Id == id, Ct);
    }

    /// <summary>Waits until the message is no longer pending (sent or given up) and returns it.</summary>
    public static async Task<OutboxMessage> WaitForOutcomeAsync(EasyMoApp app, Guid id, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var message = await ReadAsync(app, id);
            if (message.Status != OutboxStatus.Pending)
            {
                return message;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Outbox message {id} is still pending after {message.Attempts} attempts ({message.LastErrorCode}, {message.LastError}).");
            }

            await Task.Delay(50, Ct);
        }
    }

    public Task<OutboxMessage> WaitForOutcomeAsync(Guid id, TimeSpan? timeout = null) => WaitForOutcomeAsync(App, id, timeout);

    /// <summary>Posts Meta's <c>statuses</c> webhook for a sent message, signed; returns (recorded, duplicates).</summary>
    public async Task<WhatsAppAnswer> PostStatusAsync(string messageId, string waId, string status)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(WhatsAppPayloads.MessageStatus(messageId, waId, status));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/whatsapp-webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", Signer.Sign(bytes));
        using var response = await App.CreateClient().SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<WhatsAppAnswer>(Ct))!;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
