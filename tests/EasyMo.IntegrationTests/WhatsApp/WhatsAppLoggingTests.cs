using System.Text;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>What the WhatsApp channel leaves in the logs: event names and masked numbers; no secret, token, SDP or text.</summary>
public sealed class WhatsAppLoggingTests
{
    [Fact]
    public async Task Logs_never_hold_the_app_secret_the_verify_token_or_a_raw_number()
    {
        await using var host = await WhatsAppHost.StartAsync();
        var waId = NewWaId();
        var callId = NewCallId();

        (await WhatsAppHost.HandshakeAsync(host.App, "subscribe", host.VerifyToken, "42")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await WhatsAppHost.HandshakeAsync(host.App, "subscribe", host.VerifyToken + "0", "42")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await host.PostOkAsync(Connect(callId, waId, "Caller Name"));
        await host.PostOkAsync(Terminate(callId, waId, "FAILED", null, [138021]));
        await host.PostOkAsync(CallStatus(NewCallId(), waId, "RINGING"));
        await host.PostOkAsync(Audio(NewMessageId(), waId, "media-77"));
        await host.PostOkAsync(Text(NewMessageId(), waId, "Caller Renamed", "secret plans"));
        await host.PostOkAsync(Connect(callId, waId)); // a duplicate
        var body = Encoding.UTF8.GetBytes(Text(NewMessageId(), waId, "Forged"));
        (await host.PostRawAsync(body, "sha256=" + new string('0', 64))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.PostRawAsync(body, null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var logs = host.App.Logs.Text;
        foreach (var name in new[]
                 {
                     "WA_WEBHOOK_VERIFIED", "WA_WEBHOOK_VERIFY_REFUSED", "WA_WEBHOOK_SIGNATURE_INVALID", "WA_CALL_CONNECTED",
                     "WA_CALL_TERMINATED", "WA_CALL_STATUS", "WA_MESSAGE_RECEIVED", "WA_VOICE_NOTE_QUEUED", "WA_PROFILE_UPDATED",
                     "WA_EVENT_DUPLICATE", "WA_WEBHOOK_RECEIVED",
                 })
        {
            logs.ShouldContain($"\"Name\":\"{name}\"");
        }

        logs.ShouldNotContain(callId); // a WhatsApp id embeds the number: only its tail is logged
        logs.ShouldContain("wacid.…" + callId[^6..]);
        logs.ShouldContain("138021");
        logs.ShouldContain($"\"+{waId[..3]}");
        logs.ShouldNotContain(waId);
        logs.ShouldNotContain(host.AppSecret);
        logs.ShouldNotContain(host.VerifyToken);
        logs.ShouldNotContain(SdpMarker);
        logs.ShouldNotContain("secret plans");
        logs.ShouldNotContain("Caller Renamed");
        host.App.Logs.Lines.ShouldAllBe(line => line.StartsWith("{\"@t\":", StringComparison.Ordinal));
    }
}
