using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EasyMo.IntegrationTests.WhatsApp;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>
/// No way back to a number after erasure (issue 15, part 1; review M3): WhatsApp's ids embed the user's number
/// (<c>wacid.HBgLMTIxODU1NTI4Mjg…</c> base64-decodes to <c>…12185552828…</c>). After a WhatsApp call, messages and a voice
/// note from a number, and its erasure, no table, column or log line holds the number, its digits, or an id that decodes
/// to them.
/// </summary>
public sealed partial class WhatsAppIdErasureTests
{
    [Fact]
    public async Task After_erasure_nothing_holds_the_number_nor_an_id_that_decodes_to_it()
    {
        await using var host = await WhatsAppHost.StartAsync(Settings());
        var phone = Events.NewRwandanNumber();
        var digits = phone[1..];
        var callId = RealisticId("wacid", digits);
        var text = RealisticId("wamid", digits);
        var voiceNote = RealisticId("wamid", digits);
        Decode(callId).ShouldContain(digits); // the premise: the id gives the number away

        // The call through OpenAI as the SIP edge relays it from WhatsApp (x-wa-meta-wacid), then WhatsApp's own events.
        using (var incoming = await host.App.PostWebhookAsync(Events.CallIncoming(Events.NewCallId(),
            ("From", $"<sip:+{digits}@wa.meta.vc>;tag=1"), ("To", "<sip:+250788000111@sip.api.openai.com>"), ("x-wa-meta-wacid", callId))))
        {
            incoming.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await host.PostOkAsync(Connect(callId, digits));
        await host.PostOkAsync(CallStatus(callId, digits, "RINGING"));
        await host.PostOkAsync(Text(text, digits, "Aline", "yego"));
        await host.PostOkAsync(Audio(voiceNote, digits, "media-1"));
        await using (var before = host.App.Db())
        {
            (await DecodedEverywhereAsync(before, digits)).ShouldNotBeEmpty(); // the scan finds what it looks for
        }

        using (var erased = await host.App.Admin().DeleteAsync($"/api/profiles/{Uri.EscapeDataString(phone)}", Ct))
        {
            erased.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await using var db = host.App.Db();
        (await FindEverywhereAsync(db, digits)).ShouldBeEmpty();
        (await FindEverywhereAsync(db, digits[3..])).ShouldBeEmpty();
        (await DecodedEverywhereAsync(db, digits)).ShouldBeEmpty();
        (await db.Calls.AsNoTracking().SingleAsync(Ct)).WhatsAppCallId.ShouldBe(
            (await db.WhatsAppCalls.AsNoTracking().SingleAsync(Ct)).WhatsAppCallId, "the call's rows still match each other, keyed");
        var logs = host.App.Logs.Text;
        logs.ShouldNotContain(digits);
        foreach (var id in IdPattern().Matches(logs).Select(match => match.Value))
        {
            Decode(id).Contains(digits[3..], StringComparison.Ordinal).ShouldBeFalse($"a logged id decodes to the number: {id}");
        }
    }

    /// <summary>An id as WhatsApp makes them: its kind, then base64 of a header, the user's digits and random bytes.</summary>
    private static string RealisticId(string kind, string digits) =>
        $"{kind}." + Convert.ToBase64String([0x1C, 0x18, 0x0B, .. Encoding.ASCII.GetBytes(digits), 0x15, 0x02, 0x00, 0x11, 0x18, 0x20, .. RandomNumberGenerator.GetBytes(12)]);

    /// <summary>What an id's body decodes to (base64 or base64url, padding restored), as text; empty when it does not decode.</summary>
    private static string Decode(string id)
    {
        var body = id[(id.IndexOf('.', StringComparison.Ordinal) + 1)..].Replace('-', '+').Replace('_', '/').TrimEnd('…');
        body = body.PadRight(body.Length + ((4 - (body.Length % 4)) % 4), '=');
        try
        {
            return Encoding.ASCII.GetString(Convert.FromBase64String(body));
        }
        catch (FormatException)
        {
            return string.Empty;
        }
    }

    /// <summary>Every WhatsApp id in any text column of the public schema that decodes to <paramref name="digits"/>, as <c>table.column</c>.</summary>
    private static async Task<List<string>> DecodedEverywhereAsync(EasyMoDbContext db, string digits)
    {
        var columns = await db.Database.SqlQueryRaw<string>(
            """
            SELECT format('%I.%I', table_name, column_name) AS "Value" FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json')
            """).ToListAsync(Ct);
        var hits = new List<string>();
        foreach (var column in columns)
        {
            var parts = column.Split('.');
            // Identifiers come from information_schema, quoted by format('%I').
#pragma warning disable EF1002
            var values = await db.Database.SqlQueryRaw<string>(
                $"SELECT {parts[1]}::text AS \"Value\" FROM public.{parts[0]} WHERE {parts[1]}::text ~ 'wa[cm]id\\.'").ToListAsync(Ct);
#pragma warning restore EF1002
            if (values.SelectMany(value => IdPattern().Matches(value)).Any(match => Decode(match.Value).Contains(digits, StringComparison.Ordinal)))
            {
                hits.Add(column);
            }
        }

        return hits;
    }

    [GeneratedRegex(@"wa[cm]id\.[A-Za-z0-9+/=_\-]+")]
    private static partial Regex IdPattern();
}
