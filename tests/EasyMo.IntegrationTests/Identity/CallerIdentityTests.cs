using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;
using EasyMo.Infrastructure.Configuration;

namespace EasyMo.IntegrationTests.Identity;

/// <summary>
/// Issue 11 item 3 (review H2, L4): a caller is verified only by the SIP edge's <c>X-EasyMo-Edge</c>; a number that is
/// only claimed never reaches its owner's profile, name, last call, consent or WhatsApp, unless the policy says trust.
/// </summary>
public sealed class CallerIdentityTests
{
    private const string Victim = "+250788000001";
    private const string Dialed = "+250788000111";
    private const string Summary = "taxi to Kimironko";

    /// <summary>An INVITE that went straight to OpenAI, claiming <paramref name="caller"/>: no attestation.</summary>
    private static (string Name, string Value)[] Claim(string caller, string host = "198.51.100.9") =>
    [
        ("From", $"<sip:{caller}@{host}>;tag=9f1"),
        ("To", $"<sip:{Dialed}@sip.api.openai.com>"),
        ("Call-ID", Guid.NewGuid().ToString()),
    ];

    private static async Task<(Guid ProfileId, string PastCallId)> SeedAliceAsync(EasyMoApp app)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var profile = Profile.Create(PhoneNumber.Parse(Victim), null, "Alice", null, at);
        profile.RememberConsent(granted: true, at);
        var past = Call.Receive(("rtc_past_" + Guid.NewGuid().ToString("N")).AsCallId(), CallChannel.Phone, PhoneNumber.Parse(Victim), null,
            PhoneNumber.Parse(Dialed), at, trunk: "mtn-rw", identity: CallerIdentity.Verified);
        past.Identify(profile.Id, Language.Kinyarwanda);
        past.ApplyRememberedConsent(Consent.Granted, at);
        past.Accept(at.AddSeconds(1), "gpt-realtime", "alloy");
        past.End(at.AddMinutes(2), CallEndReason.CallerHangup);
        past.RecordSummary(Summary, at.AddMinutes(3));
        await using var db = app.Db();
        db.Profiles.Add(profile);
        db.Calls.Add(past);
        await db.SaveChangesAsync(Ct);
        return (profile.Id, past.CallId.Value);
    }

    /// <summary>Every profile row, every column, as the database holds it.</summary>
    private static async Task<List<string>> ProfilesAsync(EasyMoApp app)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT row_to_json(p)::text FROM profiles p ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static string Instructions(EasyMoApp app, string callId)
    {
        using var body = JsonDocument.Parse(app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        return body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull();
    }

    private static async Task<Call> PostAsync(EasyMoApp app, string callId, string body)
    {
        using var response = await app.PostWebhookAsync(body);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var db = app.Db();
        return await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
    }

    [Fact]
    public async Task An_impersonator_is_answered_without_the_victims_name_summary_or_profile_and_their_tools_change_nothing()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        await SeedAliceAsync(app);
        var before = await ProfilesAsync(app);
        var outputs = new Dictionary<string, string?>();
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            foreach (var (id, name, arguments) in new[]
            {
                ("fc_lang", "set_preferred_language", """{"language":"fr"}"""),
                ("fc_consent", "record_consent", """{"granted":true}"""),
                ("fc_request", "record_request", """{"service":"rides","location":"Kimironko","details":"send a moto"}"""),
            })
            {
                await session.SendAsync(Events.ToolCall(id, name, arguments));
                outputs[name] = (await session.WaitForAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("call_id").GetString() == id))
                    .GetProperty("item").GetProperty("output").GetString();
            }

            await session.CloseAsync();
        };

        var callId = Events.NewCallId();
        using (var response = await app.PostWebhookAsync(Events.CallIncomingAsSent(callId, Claim(Victim))))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var accept = app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body;
        accept.ShouldNotContain("Alice");
        accept.ShouldNotContain("Kimironko");
        Instructions(app, callId).ShouldContain("Vuga Ikinyarwanda"); // the language still follows the country code

        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);
        call.Identity.ShouldBe(CallerIdentity.Unverified);
        call.ProfileId.ShouldBeNull();
        call.Caller.ShouldBe(PhoneNumber.Parse(Victim)); // kept for operators, shown as unverified
        call.Consent.ShouldBe(Consent.Granted); // for this call only
        outputs["set_preferred_language"].ShouldNotBeNull().ShouldContain("not_saved");
        outputs["record_request"].ShouldNotBeNull().ShouldContain("not_recorded");

        (await ProfilesAsync(app)).ShouldBe(before);
        await using var db = app.Db();
        (await db.CallRequests.AsNoTracking().CountAsync(r => r.CallId == call.Id, Ct)).ShouldBe(0);
        (await db.OutboxMessages.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task The_same_number_attested_by_the_edge_is_greeted_by_name_with_the_last_calls_summary()
    {
        await using var app = await EasyMoApp.StartAsync();
        var (profileId, _) = await SeedAliceAsync(app);
        var callId = Events.NewCallId();

        var call = await PostAsync(app, callId, Events.CallIncoming(callId, Claim(Victim)));

        var instructions = Instructions(app, callId);
        instructions.ShouldContain("Alice");
        instructions.ShouldContain(Summary);
        call.Identity.ShouldBe(CallerIdentity.Verified);
        call.ProfileId.ShouldBe(profileId);
        call.Consent.ShouldBe(Consent.Granted);
    }

    [Fact]
    public async Task An_unverified_caller_whose_accept_fails_gets_no_WhatsApp_fallback()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Answer("accept", 500);
        var callId = Events.NewCallId();

        var call = await PostAsync(app, callId, Events.CallIncomingAsSent(callId, Claim(Victim)));

        call.Status.ShouldBe(CallStatus.Failed);
        app.OpenAi.RejectStatus(callId).ShouldBe(480);
        await using var db = app.Db();
        (await db.OutboxMessages.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
        (await db.Profiles.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Reject_refuses_an_unverified_caller_with_603_before_any_profile_and_still_answers_a_verified_one()
    {
        await using var app = await EasyMoApp.StartAsync(WithUnverifiedCallers("reject"));
        var callId = Events.NewCallId();

        var call = await PostAsync(app, callId, Events.CallIncomingAsSent(callId, Claim(Events.NewRwandanNumber())));

        app.OpenAi.For("accept", callId).ShouldBeEmpty();
        app.OpenAi.RejectStatus(callId).ShouldBe(603);
        call.Status.ShouldBe(CallStatus.Rejected);
        call.EndReason.ShouldBe(CallEndReason.Unverified);
        call.SipStatusCode.ShouldBe(603);
        call.Identity.ShouldBe(CallerIdentity.Unverified);
        call.ProfileId.ShouldBeNull();
        await using (var db = app.Db())
        {
            (await db.Profiles.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
        }

        using var admin = app.Admin();
        using var detail = JsonDocument.Parse(await admin.GetStringAsync($"/api/calls/{callId}", Ct));
        detail.RootElement.GetProperty("endReason").GetString().ShouldBe("unverified");
        detail.RootElement.GetProperty("identity").GetString().ShouldBe("unverified");

        var verified = Events.NewCallId();
        (await PostAsync(app, verified, Events.CallIncoming(verified, Claim(Events.NewRwandanNumber())))).Status.ShouldBe(CallStatus.Accepted);
    }

    [Fact]
    public async Task Trust_believes_the_claimed_number_but_records_the_call_as_unverified()
    {
        await using var app = await EasyMoApp.StartAsync(WithUnverifiedCallers("trust"));
        var (profileId, _) = await SeedAliceAsync(app);
        var callId = Events.NewCallId();

        var call = await PostAsync(app, callId, Events.CallIncomingAsSent(callId, Claim(Victim)));

        var instructions = Instructions(app, callId);
        instructions.ShouldContain("Alice");
        instructions.ShouldContain(Summary);
        call.Identity.ShouldBe(CallerIdentity.Unverified);
        call.ProfileId.ShouldBe(profileId);
        app.Logs.Text.ShouldContain("EASYMO_UNVERIFIED_CALLERS=trust");
    }

    public static TheoryData<string> Forgeries => ["tampered", "wrong key", "stale", "twice", "malformed"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task An_attestation_that_does_not_verify_leaves_the_caller_unverified(string forgery)
    {
        await using var app = await EasyMoApp.StartAsync();
        await SeedAliceAsync(app);
        var callId = Events.NewCallId();
        var headers = Claim(Victim);
        (string Name, string Value)[] sent = forgery switch
        {
            // Signed for another caller, then the From changed to the victim.
            "tampered" => [.. Events.Attested(Claim("+250788999999")).Select(h => h.Name == "From" ? h with { Value = headers[0].Value } : h)],
            "wrong key" => Events.Attested(headers, key: "another-edge-key-0123456789abcdefghijklmnop"),
            "stale" => Events.Attested(headers, at: DateTimeOffset.UtcNow.AddSeconds(-301)),
            "twice" => [.. Events.Attested(headers), (EdgeAttestation.HeaderName, Events.Attested(headers)[^1].Value)],
            _ => [.. headers, (EdgeAttestation.HeaderName, "v1;adm=mtn-rw;ts=1;sig=forged")],
        };

        var call = await PostAsync(app, callId, Events.CallIncomingAsSent(callId, sent));

        call.Identity.ShouldBe(CallerIdentity.Unverified);
        call.ProfileId.ShouldBeNull();
        Instructions(app, callId).ShouldNotContain("Alice");
        var expected = forgery switch
        {
            "tampered" or "wrong key" => AttestationFailure.BadSignature,
            "stale" => AttestationFailure.Stale,
            "twice" => AttestationFailure.Duplicate,
            _ => AttestationFailure.Malformed,
        };
        var line = app.Logs.Lines.Where(l => l.Contains("OPENAI_SIP_CALL_INCOMING", StringComparison.Ordinal) && l.Contains(callId, StringComparison.Ordinal)).ShouldHaveSingleItem();
        line.ShouldContain("\"Identity\":\"Unverified\"");
        line.ShouldContain($"\"Attestation\":\"{expected}\"");
        line.ShouldNotContain("sig=");
    }

    [Fact]
    public async Task While_a_key_is_rotated_an_INVITE_signed_with_the_previous_key_is_verified()
    {
        const string newKey = "the-new-edge-key-0123456789abcdefghijklmnop";
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Identity:AttestationKey"] = $"{newKey},{Events.EdgeKey}" });
        var old = Events.NewCallId();
        var fresh = Events.NewCallId();

        (await PostAsync(app, old, Events.CallIncoming(old, Claim(Events.NewRwandanNumber())))).Identity.ShouldBe(CallerIdentity.Verified);
        (await PostAsync(app, fresh, Events.CallIncomingAsSent(fresh, Events.Attested(Claim(Events.NewRwandanNumber()), key: newKey))))
            .Identity.ShouldBe(CallerIdentity.Verified);
    }

    [Fact]
    public async Task WhatsApp_looking_headers_without_attestation_make_a_phone_call_with_no_WhatsApp_call_id()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();

        var call = await PostAsync(app, callId, Events.CallIncomingAsSent(callId,
            ("From", $"<sip:{Victim}@WA.META.VC>;tag=abc"),
            ("To", $"<sip:{Dialed}@sip.api.openai.com>"),
            ("Call-ID", Guid.NewGuid().ToString()),
            ("x-wa-meta-wacid", "wacid.FORGED" + Guid.NewGuid().ToString("N")),
            ("X-WA-Meta-Phone-Number-Id", "1234567890")));

        call.Channel.ShouldBe(CallChannel.Phone);
        call.WhatsAppCallId.ShouldBeNull();
        call.Trunk.ShouldBeNull();
        call.Identity.ShouldBe(CallerIdentity.Unverified);
        await using var db = app.Db();
        (await db.Profiles.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task The_channel_follows_the_admission_the_edge_attested()
    {
        await using var app = await EasyMoApp.StartAsync();
        var whatsAppCallId = "wacid." + Guid.NewGuid().ToString("N");
        var whatsApp = Events.NewCallId();
        var waCaller = Events.NewRwandanNumber();
        var trunk = Events.NewCallId();

        var viaMeta = await PostAsync(app, whatsApp, Events.CallIncoming(whatsApp,
            ("From", $"<sip:{waCaller}@wa.meta.vc>;tag=abc"),
            ("To", $"<sip:{Dialed}@sip.api.openai.com>"),
            ("x-wa-meta-wacid", whatsAppCallId)));
        // A trunk's call that carries WhatsApp-looking headers is still the trunk's: the admission decides.
        var viaTrunk = await PostAsync(app, trunk, Events.CallIncomingAsSent(trunk, Events.Attested(
            [("From", $"<sip:{Events.NewRwandanNumber()}@wa.meta.vc>;tag=1"), ("To", $"<sip:{Dialed}@sip.api.openai.com>"), ("Call-ID", "c-trunk"), ("x-wa-meta-wacid", "wacid.X")],
            admission: "go-mt")));

        (viaMeta.Channel, viaMeta.WhatsAppCallId, viaMeta.Trunk, viaMeta.Identity).ShouldBe((CallChannel.WhatsApp, whatsAppCallId, (string?)null, CallerIdentity.Verified));
        (viaTrunk.Channel, viaTrunk.WhatsAppCallId, viaTrunk.Trunk, viaTrunk.Identity).ShouldBe((CallChannel.Phone, (string?)null, "go-mt", CallerIdentity.Verified));
        await using var db = app.Db();
        (await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == viaMeta.ProfileId, Ct)).WhatsAppId?.Value.ShouldBe(waCaller.TrimStart('+'));
    }

    [Fact]
    public async Task Operators_see_the_identity_on_each_call_filter_the_list_by_it_and_count_it_in_the_stats()
    {
        await using var app = await EasyMoApp.StartAsync();
        var verified = Events.NewCallId();
        var unverified = Events.NewCallId();
        await PostAsync(app, verified, Events.CallIncoming(verified, Claim(Events.NewRwandanNumber())));
        await PostAsync(app, unverified, Events.CallIncomingAsSent(unverified, Claim(Events.NewRwandanNumber())));
        using var admin = app.Admin();

        foreach (var (callId, identity) in new[] { (verified, "verified"), (unverified, "unverified") })
        {
            using var detail = JsonDocument.Parse(await admin.GetStringAsync($"/api/calls/{callId}", Ct));
            detail.RootElement.GetProperty("identity").GetString().ShouldBe(identity);
        }

        using (var list = JsonDocument.Parse(await admin.GetStringAsync("/api/calls", Ct)))
        {
            var items = list.RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("callId").GetString()!, i => i.GetProperty("identity").GetString());
            items[verified].ShouldBe("verified");
            items[unverified].ShouldBe("unverified");
        }

        using (var filtered = JsonDocument.Parse(await admin.GetStringAsync("/api/calls?identity=Unverified", Ct)))
        {
            filtered.RootElement.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("callId").GetString().ShouldBe(unverified);
        }

        using var bad = await admin.GetAsync("/api/calls?identity=maybe", Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using (var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)))
        {
            problem.RootElement.GetProperty("errors").GetProperty("identity")[0].GetString().ShouldBe("identity must be verified or unverified.");
        }

        using var stats = JsonDocument.Parse(await admin.GetStringAsync("/api/stats/calls?days=1", Ct));
        var byIdentity = stats.RootElement.GetProperty("byIdentity");
        byIdentity.GetProperty("verified").GetInt32().ShouldBe(1);
        byIdentity.GetProperty("unverified").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("Identity:AttestationKey", "too-short", "SIP_EDGE_ATTESTATION_KEY: key 1 must be at least 32 characters")]
    [InlineData("Identity:AttestationKey", "a-good-key-0123456789abcdefghijklmnopq,bad key", "SIP_EDGE_ATTESTATION_KEY: key 2 must be")]
    [InlineData("Identity:UnverifiedCallers", "allow", "EASYMO_UNVERIFIED_CALLERS must be one of anonymous, reject, trust")]
    public async Task A_malformed_key_or_an_unknown_policy_stops_start_up_without_printing_the_key(string key, string value, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        var problem = exception.Problems.ShouldHaveSingleItem();
        problem.ShouldStartWith(expected);
        problem.ShouldNotContain("too-short");
        problem.ShouldNotContain("a-good-key");
    }
}
