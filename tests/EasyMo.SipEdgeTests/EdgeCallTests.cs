using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>
/// Calls through the rendered edge with real SIP peers on loopback: SIPp plays Meta (or a carrier) as the caller and
/// OpenAI as the callee, Kamailio runs the configuration <c>sip-edge render</c> writes.
/// </summary>
[Collection(EdgeCollection.Name)]
public sealed class EdgeCallTests(EdgeFixture edge)
{
    private const string Caller = "+250788123456";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string OpenAiRequestLine => $"INVITE sip:{EdgeFixture.ProjectId}@sip.api.openai.com;transport=tls SIP/2.0";

    [Fact]
    public async Task A_WhatsApp_call_is_challenged_then_relayed_to_the_OpenAI_project_with_its_headers_and_SDP_and_hung_up_through_the_edge()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var meta = await edge.CallAsync("whatsapp-call.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-au", EdgeFixture.BusinessNumber, "-ap", edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.HBgLMjUwNzg4MTIzNDU2"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        far.ExitCode.ShouldBe(0, far.ToString());
        var challenge = meta.Received.Single(message => message.IsResponse(407));
        challenge.Headers("Proxy-Authenticate").ShouldHaveSingleItem().ShouldContain($"realm=\"{EdgeFixture.Host}\"");

        var invite = far.Received.Single(message => message.IsRequest("INVITE"));
        invite.StartLine.ShouldBe(OpenAiRequestLine);
        invite.Headers("x-wa-meta-wacid").ShouldBe(["wacid.HBgLMjUwNzg4MTIzNDU2"]);
        invite.Headers("x-wa-meta-phone-number-id").ShouldBe(["106540352242922"]);
        invite.Headers("X-FB-External-Domain").ShouldBe(["wa.meta.vc"]);
        invite.Headers("To").ShouldHaveSingleItem().ShouldContain($"sip:{EdgeFixture.BusinessNumber}@");
        invite.Headers("From").ShouldHaveSingleItem().ShouldContain($"sip:{Caller}@wa.meta.vc");
        invite.Headers("Proxy-Authorization").ShouldBeEmpty("the credentials are Meta's and the edge's business, not OpenAI's");
        invite.Headers("Record-Route").ShouldHaveSingleItem().ShouldContain($"127.0.0.1:{edge.TcpPort};transport=tcp;lr");

        var sent = meta.Messages.Last(message => !message.Received && message.IsRequest("INVITE"));
        invite.Body.ShouldBe(sent.Body, "the SDP passes untouched");
        invite.Body.ShouldContain("a=crypto:1 AES_CM_128_HMAC_SHA1_80");

        far.Received.ShouldContain(message => message.IsRequest("ACK"));
        var bye = far.Received.Single(message => message.IsRequest("BYE"));
        bye.Headers("x-wa-meta-call-duration").ShouldBe(["1"]);
        meta.Received.Last().IsResponse(200).ShouldBeTrue("OpenAI's 200 to the BYE came back through the edge");

        edge.Log.ShouldContain("EDGE_INVITE_RELAYED channel=whatsapp number=+25078***");
        edge.Log.ShouldNotContain(EdgeFixture.BusinessNumber, customMessage: "numbers are masked in the edge's log");
        edge.Log.ShouldNotContain(edge.Password);
    }

    [Fact]
    public async Task Meta_may_authenticate_with_the_number_without_its_plus()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var meta = await edge.CallAsync("whatsapp-call.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-au", EdgeFixture.BusinessNumber[1..], "-ap", edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.2"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        far.Received.Single(message => message.IsRequest("INVITE")).StartLine.ShouldBe(OpenAiRequestLine);
    }

    [Fact]
    public async Task An_INVITE_without_credentials_is_challenged_and_relayed_nowhere()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var meta = await edge.CallAsync("whatsapp-unauthenticated.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-key", "caller", Caller, "-key", "wacid", "wacid.3"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(1));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        meta.Received.Single(message => message.IsResponse(407)).Headers("Proxy-Authenticate").ShouldHaveSingleItem().ShouldStartWith("Digest ");
        far.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(EdgeFixture.BusinessNumber, "wrong-password")]
    [InlineData(EdgeFixture.OtherBusinessNumber, null)] // the right password, but the credentials name another number
    public async Task Wrong_credentials_are_refused_with_403_and_relayed_nowhere(string user, string? password)
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var meta = await edge.CallAsync("whatsapp-wrong-password.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-au", user, "-ap", password ?? edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.4"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(1));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        meta.Received.ShouldContain(message => message.IsResponse(403));
        far.Received.ShouldBeEmpty();
        edge.Log.ShouldContain("EDGE_REFUSED reason=");
    }

    [Theory]
    [InlineData("127.0.0.1", "+250788999999")] // not a business number of ours
    [InlineData("127.0.0.1", EdgeFixture.TrunkNumber)] // a trunk's number, from outside the trunk
    [InlineData(EdgeFixture.TrunkSource, EdgeFixture.BusinessNumber)] // from the trunk, a number it may not dial
    public async Task A_number_the_source_may_not_call_is_refused_with_404_before_any_challenge(string source, string number)
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var caller = await edge.CallAsync("invite-not-found.xml", source, ["-s", number, "-key", "caller", Caller, "-key", "wacid", "wacid.5"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(1));

        caller.ExitCode.ShouldBe(0, caller.ToString());
        caller.Received.ShouldNotContain(message => message.IsResponse(407));
        far.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_carrier_trunk_is_admitted_by_its_source_without_digest_and_cannot_pass_as_WhatsApp()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var carrier = await edge.CallAsync("trunk-call.xml", EdgeFixture.TrunkSource, ["-s", EdgeFixture.TrunkNumber, "-key", "caller", "+35699123456"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        carrier.ExitCode.ShouldBe(0, carrier.ToString());
        far.ExitCode.ShouldBe(0, far.ToString());
        carrier.Received.ShouldNotContain(message => message.IsResponse(407));
        var invite = far.Received.Single(message => message.IsRequest("INVITE"));
        invite.StartLine.ShouldBe(OpenAiRequestLine);
        invite.Headers("To").ShouldHaveSingleItem().ShouldContain($"sip:{EdgeFixture.TrunkNumber}@");
        invite.Headers("x-wa-meta-wacid").ShouldBeEmpty("only Meta may mark a call as a WhatsApp call");
        far.Received.ShouldContain(message => message.IsRequest("BYE"));
        edge.Log.ShouldContain("EDGE_INVITE_RELAYED channel=trunk:go-mt");
    }
}

[CollectionDefinition(Name)]
public sealed class EdgeCollection : ICollectionFixture<EdgeFixture>
{
    public const string Name = "sip-edge";
}
