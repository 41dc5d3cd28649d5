using Microsoft.EntityFrameworkCore;
using EasyMo.Operator.Commands;

namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>simulate-call</c> against a running host on loopback, with a fake OpenAI behind it.</summary>
public sealed class SimulateCallCommandTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync(kestrel: true);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(false, "phone")]
    [InlineData(true, "whatsapp")]
    public async Task A_simulated_call_is_accepted_and_recorded_with_its_channel(bool whatsApp, string channel)
    {
        var callId = Events.NewCallId();
        string[] args = ["simulate-call", "--from", Events.NewRwandanNumber(), "--url", _app.ServerAddress!.ToString(), "--call-id", callId];
        var result = await Cli.RunAsync(Settings(_app.WebhookSecret, _app.AdminToken, Events.EdgeKey), whatsApp ? [.. args, "--whatsapp"] : args);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("HTTP 200");
        result.Out.ShouldContain(callId);
        result.Out.ShouldContain("decision: accepted");
        result.Out.ShouldContain($"channel {channel}");
        result.Out.ShouldContain("language rw");
        result.Out.ShouldContain("identity verified");
        result.All.ShouldNotContain(_app.WebhookSecret);
        result.All.ShouldNotContain(_app.AdminToken);
        result.All.ShouldNotContain(Events.EdgeKey);

        await using var db = _app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
        call.Channel.ToString().ShouldBe(channel, StringCompareShould.IgnoreCase);
        call.Identity.ShouldBe(EasyMo.Domain.Calls.CallerIdentity.Verified);
        call.Trunk.ShouldBe(whatsApp ? null : SimulateCallCommand.DefaultTrunk);
        _app.OpenAi.For("accept", callId).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(true, true)] // --unverified: the attestation is left out although a key is set
    [InlineData(false, false)] // no key configured: nothing to sign with
    public async Task Without_the_edge_attestation_the_simulated_caller_is_unverified_and_a_whatsapp_call_is_phone(bool flag, bool withKey)
    {
        var callId = Events.NewCallId();
        string[] args = ["simulate-call", "--from", Events.NewRwandanNumber(), "--url", _app.ServerAddress!.ToString(), "--call-id", callId, "--whatsapp"];
        var result = await Cli.RunAsync(Settings(_app.WebhookSecret, _app.AdminToken, withKey ? Events.EdgeKey : null), flag ? [.. args, "--unverified"] : args);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("no edge attestation");
        result.Out.ShouldContain("identity unverified");
        result.Out.ShouldContain("channel phone");

        await using var db = _app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
        call.Identity.ShouldBe(EasyMo.Domain.Calls.CallerIdentity.Unverified);
        call.ProfileId.ShouldBeNull();
        call.WhatsAppCallId.ShouldBeNull();
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_host_and_the_command_fails()
    {
        var wrong = "whsec_" + Convert.ToBase64String(new byte[32]);
        var callId = Events.NewCallId();

        var result = await Cli.RunAsync(Settings(wrong, null), "simulate-call", "--from", "+250788123456", "--url", _app.ServerAddress!.ToString(), "--call-id", callId);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Out.ShouldContain("HTTP 401");
        result.ShouldHaveNoStackTrace();
        await using var db = _app.Db();
        (await db.Calls.AnyAsync(c => c.CallId == callId.AsCallId(), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Without_the_secret_it_does_not_run()
    {
        var result = await Cli.RunAsync(Settings(string.Empty, null), "simulate-call", "--from", "+250788123456", "--url", _app.ServerAddress!.ToString());

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("OPENAI_WEBHOOK_SECRET");
        _app.OpenAi.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_caller_that_is_not_a_number_is_a_usage_error()
    {
        var result = await Cli.RunAsync(Settings(_app.WebhookSecret, null), "simulate-call", "--from", "alice", "--url", _app.ServerAddress!.ToString());

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--from");
    }

    [Fact]
    public async Task Healthcheck_answers_0_for_a_live_service_and_1_for_none()
    {
        var live = await Cli.RunAsync(new Dictionary<string, string?>(), "healthcheck", "--url", _app.ServerAddress!.ToString());
        live.ExitCode.ShouldBe(0, live.ToString());
        live.Out.ShouldContain("/health/live: HTTP 200");

        var none = await Cli.RunAsync(new Dictionary<string, string?>(), "healthcheck", "--url", "http://127.0.0.1:1");
        none.ExitCode.ShouldBe(1, none.ToString());
        none.ShouldHaveNoStackTrace();
    }

    private static Dictionary<string, string?> Settings(string secret, string? adminToken, string? edgeKey = null) => new()
    {
        ["OpenAI:WebhookSecret"] = secret,
        ["Admin:Token"] = adminToken ?? string.Empty,
        ["Identity:AttestationKey"] = edgeKey ?? string.Empty,
    };
}
