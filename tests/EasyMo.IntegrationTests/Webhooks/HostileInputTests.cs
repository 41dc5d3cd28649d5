using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CsCheck;
using EasyMo.Domain.Calls;
using EasyMo.IntegrationTests.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// No signed input produces a 5xx (issue 12): ten thousand generated, correctly signed bodies to each webhook — values
/// too long for any column, NUL and other control characters, unpaired surrogates, SIP-shaped and not, wrong JSON types,
/// unknown events — and the service answers each with a 2xx or 4xx, sends OpenAI nothing for a call it did not store, and
/// still decides a normal call afterwards. The generator is CsCheck's; a failure prints the shrunk body that caused it.
/// </summary>
public sealed class HostileInputTests
{
    private const int Bodies = 10_000;

    /// <summary>Strings a hostile sender would try: any UTF-16 (lone surrogates and NUL included), long ones, and classics.</summary>
    internal static readonly Gen<string> Hostile = Gen.Frequency(
        (4, Gen.String[0, 40]),
        (2, Gen.String[200, 700]),
        (1, Gen.Int[0, 9000].Select(length => new string('9', length))),
        (2, Gen.OneOf(
            "\0", "a\0b", "\ud800", "x\udc00y", "\udbff\udfff", "\u202eevil", "\r\n\r\nINVITE", "%00", "'; DROP TABLE calls;--",
            "<sip:\0@x>", "\"\\\"\" <sip:+250788123456@h>", "sip:", "tel:", "<>", "\"unterminated <sip:+250788123456@h>", "anonymous",
            "v1;adm=whatsapp;ts=1;sig=AAAA", "wacid." + new string('A', 300), "+250788123456", "0788123456", "+", "+0000000000000000000")));

    private static readonly Gen<string> Number = Gen.Frequency(
        (3, Gen.Long[100_000_000L, 999_999_999_999_999L].Select(n => "+" + n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Long[0, long.MaxValue].Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Hostile));

    /// <summary>SIP address-shaped values with hostile parts: display names, users, hosts, parameters.</summary>
    private static readonly Gen<string> Address = Gen.Frequency(
        (3, Gen.Select(Hostile, Number, Gen.OneOf("wa.meta.vc", "WA.META.VC", "trunk.mtn.rw", "x.wa.meta.vc", "198.51.100.7"),
            (name, number, host) => $"\"{name}\" <sip:{number}@{host};user=phone>;tag=1")),
        (1, Gen.Select(Number, Hostile, (number, parameters) => $"<tel:{number};{parameters}>")),
        (1, Hostile));

    private static readonly Gen<string> HeaderName = Gen.Frequency(
        (6, Gen.OneOf("From", "To", "P-Asserted-Identity", "Call-ID", "x-wa-meta-wacid", "X-EasyMo-Edge", "f", "t", "i",
            "x-wa-meta-phone-number-id", "Via", "Contact", "P-Preferred-Identity")),
        (1, Hostile));

    private static readonly Gen<(string Name, string Value)> Header =
        Gen.Select(HeaderName, Gen.Frequency((2, Address), (1, Hostile)), (name, value) => (name, value));

    /// <summary>An OpenAI webhook body: mostly <c>realtime.call.incoming</c>, some with the wrong shape, some other events.</summary>
    private static readonly Gen<string> OpenAiBody = Gen.Frequency(
        (8, Gen.Select(Gen.Frequency((4, Gen.Guid.Select(id => "rtc_" + id.ToString("N"))), (1, Hostile)), Header.Array[0, 14],
            (callId, headers) => Envelope("realtime.call.incoming",
                $$"""{"call_id":{{Json(callId)}},"sip_headers":[{{string.Join(',', headers.Select(h => $$"""{"name":{{Json(h.Name)}},"value":{{Json(h.Value)}}}"""))}}]}"""))),
        (1, Gen.Select(Hostile, Gen.OneOf("{}", "[]", "null", "1", "\"x\"", "{\"call_id\":5,\"sip_headers\":{}}", "{\"sip_headers\":[1,null,{}]}"),
            (callId, data) => Envelope("realtime.call.incoming", data.Contains("call_id", StringComparison.Ordinal) ? data : data.Replace("{", "{\"call_id\":" + Json(callId) + ",", StringComparison.Ordinal)))),
        (1, Gen.Select(Hostile, Hostile, (type, value) => Envelope(type, $$"""{"call_id":{{Json(value)}}}"""))),
        (1, Hostile.Select(Json)));

    [Fact]
    public async Task Ten_thousand_signed_hostile_OpenAI_webhooks_get_no_5xx_and_no_stray_request_to_OpenAI()
    {
        // No live-call ceiling: the generated calls never end, and every well-formed one should reach the accept.
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(0));
        var client = app.CreateClient();
        var statuses = new ConcurrentDictionary<int, int>();

        await OpenAiBody.SampleAsync(
            async body =>
            {
                using var response = await app.PostWebhookAsync(body, client: client);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                ((int)response.StatusCode).ShouldBeLessThan(500, await response.Content.ReadAsStringAsync() + "\n" + LastError(app));
            },
            iter: Bodies,
            threads: 4,
            print: body => body.Length > 2000 ? body[..2000] + "…" : body);

        statuses.Values.Sum().ShouldBeGreaterThanOrEqualTo(Bodies);
        statuses.Keys.ShouldContain(200, "some of the generated calls were decided");
        statuses.Keys.ShouldContain(400, "some of the generated bodies were refused as malformed");

        await using (var db = app.Db())
        {
            var stored = (await db.Calls.Select(call => call.CallId).ToListAsync(Ct)).Select(id => id.Value).ToHashSet(StringComparer.Ordinal);
            app.OpenAi.Requests.ShouldAllBe(request => stored.Contains(request.CallId), "OpenAI was asked about a call the service did not store");
            app.OpenAi.Requests.GroupBy(request => request.CallId).ShouldAllBe(group => group.Count() == 1, "a call was decided twice at OpenAI");
        }

        // And the service still decides a normal call.
        var normal = Events.NewCallId();
        using var answer = await app.PostWebhookAsync(Events.CarrierCall(normal, Events.NewRwandanNumber()), client: client);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadAsStringAsync(Ct)).ShouldContain("\"outcome\":\"accepted\"");
        app.OpenAi.For("accept", normal).ShouldHaveSingleItem();
    }

    // The two 500s seen by hand before the fuzz existed (issue 12): each now decided, with the value cleaned, not refused.
    [Theory]
    [InlineData(300, "none")]
    [InlineData(5, "nul")]
    public async Task A_display_name_too_long_or_with_characters_PostgreSQL_refuses_is_cleaned_and_the_call_decided(int length, string kind)
    {
        var poison = kind == "nul" ? "\0" : string.Empty;
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        var name = new string('N', length) + poison + "Aline";
        // Written as a sender may, every non-ASCII character escaped. (A lone surrogate escaped in JSON reaches the service as
        // U+FFFD, which PostgreSQL takes; UntrustedText drops real ones, see its unit tests.)
        var headers = Events.Attested([
            ("From", $"\"{name}\" <sip:{caller}@trunk.mtn.rw;user=phone>;tag=1"),
            ("To", "<sip:+250788000111@sip.api.openai.com>"),
            ("Call-ID", Guid.NewGuid().ToString())]);
        var body = Envelope("realtime.call.incoming",
            $$"""{"call_id":{{Json(callId)}},"sip_headers":[{{string.Join(',', headers.Select(h => $$"""{"name":{{Json(h.Name)}},"value":{{Json(h.Value)}}}"""))}}]}""");

        using var response = await app.PostWebhookAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        await using var db = app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.CallerName.ShouldNotBeNull().Length.ShouldBeLessThanOrEqualTo(Call.MaxCallerNameLength);
        call.CallerName.ShouldNotContain('\0');
        call.CallerName.ShouldStartWith("NNNNN");
        if (length < Call.MaxCallerNameLength)
        {
            call.CallerName.ShouldEndWith("Aline");
        }
    }

    /// <summary>A Meta webhook body: deliveries of calls and messages changes with hostile values everywhere, and some that are not.</summary>
    private static readonly Gen<string> MetaBody = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf("calls", "messages", "statuses", "account_update"), Hostile, Number, Hostile, Hostile,
            Gen.OneOf("connect", "terminate", "text", "audio", "call", "image", "COMPLETED", "FAILED", "delivered"), Gen.Frequency((3, Gen.Long[0, 4_000_000_000L].Select(n => n.ToString(CultureInfo.InvariantCulture))), (1, Hostile)),
            (field, id, from, name, text, kind, timestamp) => $$$"""
                {"object":"whatsapp_business_account","entry":[{"id":"366634483210360","changes":[{"field":{{{Json(field)}}},"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"13175551399","phone_number_id":"436666719526789"},
                "contacts":[{"profile":{"name":{{{Json(name)}}}},"wa_id":{{{Json(from)}}}}],
                "calls":[{"id":{{{Json(id)}}},"from":{{{Json(from)}}},"to":"13175551399","event":{{{Json(kind)}}},"timestamp":{{{Json(timestamp)}}},"direction":"USER_INITIATED","status":{{{Json(kind)}}},"duration":{{{Json(text)}}}}],
                "messages":[{"from":{{{Json(from)}}},"id":{{{Json(id)}}},"timestamp":{{{Json(timestamp)}}},"type":{{{Json(kind)}}},"text":{"body":{{{Json(text)}}}},"audio":{"id":{{{Json(text)}}},"mime_type":{{{Json(name)}}},"voice":true}}],
                "statuses":[{"id":{{{Json(id)}}},"status":{{{Json(kind)}}},"timestamp":{{{Json(timestamp)}}},"recipient_id":{{{Json(from)}}},"errors":[{"code":{{{Json(text)}}}}]}]
                }}]}]}
                """)),
        (1, Gen.OneOf("{}", "[]", "{\"object\":\"whatsapp_business_account\",\"entry\":[null,1,{\"changes\":[null,{\"value\":5}]}]}",
            "{\"object\":\"whatsapp_business_account\",\"entry\":{}}")),
        (1, Hostile.Select(Json)));

    [Fact]
    public async Task Ten_thousand_signed_hostile_Meta_webhooks_get_no_5xx_and_a_normal_message_is_still_recorded()
    {
        await using var host = await WhatsAppHost.StartAsync();
        var statuses = new ConcurrentDictionary<int, int>();

        await MetaBody.SampleAsync(
            async body =>
            {
                using var response = await host.PostAsync(body);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                ((int)response.StatusCode).ShouldBeLessThan(500, await response.Content.ReadAsStringAsync() + "\n" + LastError(host.App));
            },
            iter: Bodies,
            threads: 4,
            print: body => body.Length > 2000 ? body[..2000] + "…" : body);

        statuses.Values.Sum().ShouldBeGreaterThanOrEqualTo(Bodies);
        statuses.Keys.ShouldContain(200, "some of the generated deliveries were recorded");
        statuses.Keys.ShouldContain(400, "some of the generated bodies were refused as malformed");

        var from = WhatsAppPayloads.NewWaId();
        var messageId = WhatsAppPayloads.NewMessageId();
        await host.PostOkAsync(WhatsAppPayloads.Delivery(WhatsAppPayloads.Entry(WhatsAppPayloads.Change("messages",
            WhatsAppPayloads.Value(contacts: [WhatsAppPayloads.Contact(from, "Aline")], messages: [WhatsAppPayloads.TextItem(messageId, from, "muraho")])))));
        await using var db = host.App.Db();
        (await db.Profiles.AnyAsync(profile => profile.WhatsAppId == from.AsWaId(), Ct)).ShouldBeTrue("a normal message still updates its sender's profile");
    }

    private static string? LastError(EasyMoApp app) => app.Logs.Lines.LastOrDefault(line => line.Contains("UNHANDLED_EXCEPTION", StringComparison.Ordinal));

    private static string Envelope(string type, string data) =>
        $$"""{"object":"event","id":"evt_{{Guid.NewGuid():N}}","type":{{Json(type)}},"created_at":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"data":{{data}}}""";

    /// <summary>A JSON string literal with every character outside printable ASCII escaped, lone surrogates included, as a sender may.</summary>
    internal static string Json(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
