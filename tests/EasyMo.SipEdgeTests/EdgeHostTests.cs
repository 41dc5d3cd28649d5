using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>
/// The edge run by its unit's own commands (<c>deploy/sip-edge/host/easymo-sip-edge.service</c>): a call set up through
/// it, then <c>systemctl reload</c> or <c>systemctl restart</c> in the middle of the call, then the call's in-dialog
/// requests (OpenAI's re-INVITE and its ACK, the caller's BYE) sent afterwards and still relayed; what a reload applies
/// and refuses; and what a crash, unlike a restart, costs the calls in progress.
/// </summary>
[Collection(HostEdgeCollection.Name)]
[TestCaseOrderer(typeof(ByMethodName))] // the same order in every clone: see ByMethodName
public sealed class EdgeHostTests(HostEdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reload_in_the_middle_of_a_call_keeps_the_call_and_its_later_in_dialog_requests_and_BYE_are_relayed()
    {
        await using var openAi = await edge.StartOpenAiAsync("openai-refreshes-when-told.xml", Ct);
        var before = await edge.OngoingCallsAsync();
        var process = edge.ProcessId;
        var mark = edge.InstanceLog.Length;

        var callId = $"held-{Guid.NewGuid():N}@127.0.0.1";

        var call = edge.CallAsync("whatsapp-call-held.xml", edge.HeldCallArguments("wacid.reload", callId), Ct);
        await edge.WaitForOngoingCallAsync(before, TimeSpan.FromSeconds(30), Ct);
        var reload = await edge.ReloadAsync();
        var reloaded = DateTime.Now;
        await edge.CueOpenAiAsync(callId, Ct);
        var meta = await call;
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(30));

        reload.ExitCode.ShouldBe(0, reload.Output);
        reload.Output.ShouldContain("Ok. TLS configuration reloaded.");
        edge.ProcessId.ShouldBe(process, "a reload keeps the running Kamailio");
        meta.ExitCode.ShouldBe(0, meta.ToString());
        far.ExitCode.ShouldBe(0, far.ToString());
        SentAfter(far, "INVITE", reloaded, "OpenAI's re-INVITE");
        SentAfter(meta, "BYE", reloaded, "the caller's BYE");
        meta.Received.ShouldContain(message => message.IsRequest("INVITE"), "OpenAI's re-INVITE reached the caller after the reload");
        meta.Received.ShouldContain(message => message.IsRequest("ACK"), "and its ACK");
        far.Received.ShouldContain(message => message.IsRequest("BYE"), "the caller's BYE reached OpenAI after the reload");
        meta.Received.Last().IsResponse(200).ShouldBeTrue("OpenAI's 200 to the BYE came back to the caller");
        edge.InstanceLog[mark..].ShouldContain("EDGE_BYE");
        edge.InstanceLog[mark..].ShouldNotContain("EDGE_REFUSED");
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_call_keeps_the_call_and_its_later_in_dialog_requests_and_BYE_are_relayed_by_the_new_Kamailio()
    {
        await using var openAi = await edge.StartOpenAiAsync("openai-refreshes-when-told.xml", Ct);
        var before = await edge.OngoingCallsAsync();
        var process = edge.ProcessId;

        var callId = $"held-{Guid.NewGuid():N}@127.0.0.1";

        var call = edge.CallAsync("whatsapp-call-held.xml", edge.HeldCallArguments("wacid.restart", callId), Ct);
        await edge.WaitForOngoingCallAsync(before, TimeSpan.FromSeconds(30), Ct);
        var (tls, _) = await edge.ConnectTlsAsync(Ct);
        DateTime stopped;
        await using (tls)
        {
            (await edge.OptionsAsync(tls, Ct)).ShouldStartWith("SIP/2.0 200 ");
            stopped = await edge.RestartAsync();
            (await edge.OptionsAsync(tls, Ct)).ShouldBeEmpty("a restart closes the TLS connections: a peer opens a new one for its next request");
        }

        await edge.CueOpenAiAsync(callId, Ct);

        var meta = await call;
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(30));

        edge.ProcessId.ShouldNotBe(process, "the edge was restarted");
        meta.ExitCode.ShouldBe(0, meta.ToString());
        far.ExitCode.ShouldBe(0, far.ToString());
        SentAfter(far, "INVITE", stopped, "OpenAI's re-INVITE");
        SentAfter(meta, "BYE", stopped, "the caller's BYE");
        meta.Received.ShouldContain(message => message.IsRequest("INVITE"), "OpenAI's re-INVITE reached the caller through the restarted edge");
        meta.Received.ShouldContain(message => message.IsRequest("ACK"), "and its ACK");
        far.Received.ShouldContain(message => message.IsRequest("BYE"), "the caller's BYE reached OpenAI through the restarted edge");
        meta.Received.Last().IsResponse(200).ShouldBeTrue("OpenAI's 200 to the BYE came back to the caller");
        edge.InstanceLog.ShouldContain("EDGE_BYE", customMessage: "the new Kamailio relayed the BYE");
        edge.InstanceLog.ShouldNotContain("EDGE_REFUSED", customMessage: "the new Kamailio knew the dialog it had not set up");
    }

    [Fact]
    public async Task After_a_crash_instead_of_a_stop_the_in_dialog_requests_of_the_calls_in_progress_are_refused()
    {
        await using var openAi = await edge.StartOpenAiAsync("openai-refreshes-when-told.xml", Ct);
        var before = await edge.OngoingCallsAsync();

        var callId = $"held-{Guid.NewGuid():N}@127.0.0.1";

        var call = edge.CallAsync("whatsapp-call-held.xml", edge.HeldCallArguments("wacid.crash", callId, receiveTimeoutSeconds: 10), Ct);
        await edge.WaitForOngoingCallAsync(before, TimeSpan.FromSeconds(30), Ct);
        var crashed = await edge.RestartAsync(crash: true); // SIGKILL: the dialogs are not written
        await edge.CueOpenAiAsync(callId, Ct);
        var meta = await call;
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(30));

        SentAfter(far, "INVITE", crashed, "OpenAI's re-INVITE");
        far.Received.ShouldContain(message => message.IsResponse(404), "the edge that came back from the crash did not know the call");
        meta.Received.ShouldNotContain(message => message.IsRequest("INVITE"), "nothing of the call was relayed after the crash");
        edge.InstanceLog.ShouldContain("EDGE_REFUSED reason=unknown_dialog method=INVITE");
    }

    [Fact]
    public async Task A_reload_serves_a_renewed_certificate_to_new_TLS_connections_and_keeps_the_connections_already_open()
    {
        var (established, first) = await edge.ConnectTlsAsync(Ct);
        await using (established)
        {
            first.Thumbprint.ShouldBe(edge.Certificate!.Thumbprint);
            (await edge.OptionsAsync(established, Ct)).ShouldStartWith("SIP/2.0 200 ");
            var process = edge.ProcessId;
            using var renewed = edge.RenewCertificate();
            try
            {
                var reload = await edge.ReloadAsync();

                reload.ExitCode.ShouldBe(0, reload.Output);
                edge.ProcessId.ShouldBe(process);
                (await edge.OptionsAsync(established, Ct)).ShouldStartWith("SIP/2.0 200 ", customMessage: "the connection opened before the reload still carries SIP");
                var (fresh, presented) = await edge.ConnectTlsAsync(Ct);
                await using (fresh)
                {
                    presented.Thumbprint.ShouldBe(renewed.Thumbprint, "a connection opened after the reload gets the renewed certificate");
                    (await edge.OptionsAsync(fresh, Ct)).ShouldStartWith("SIP/2.0 200 ");
                }
            }
            finally
            {
                await edge.RestoreCertificateAsync();
            }
        }
    }

    [Fact]
    public async Task A_reload_with_an_unusable_certificate_is_refused_and_the_edge_keeps_serving_the_one_it_has()
    {
        await File.WriteAllTextAsync(edge.CertificatePath, "not a certificate\n", Ct);
        try
        {
            var reload = await edge.ReloadAsync();

            reload.ExitCode.ShouldNotBe(0, reload.Output);
            reload.Output.ShouldContain("tls.reload refused, the certificates in use are unchanged");
            var (fresh, presented) = await edge.ConnectTlsAsync(Ct);
            await using (fresh)
            {
                presented.Thumbprint.ShouldBe(edge.Certificate!.Thumbprint);
                (await edge.OptionsAsync(fresh, Ct)).ShouldStartWith("SIP/2.0 200 ");
            }
        }
        finally
        {
            await edge.RestoreCertificateAsync();
        }
    }

    [Fact]
    public async Task A_reload_after_kamailio_cfg_changed_is_refused_and_says_to_restart()
    {
        var original = await File.ReadAllTextAsync(edge.ConfigPath, Ct);
        await File.AppendAllTextAsync(edge.ConfigPath, "\n# rendered again with another trunk\n", Ct);
        try
        {
            var reload = await edge.ReloadAsync();

            reload.ExitCode.ShouldNotBe(0, reload.Output);
            reload.Output.ShouldContain("changed since the edge started; a reload cannot apply it (nothing reloaded)");
            reload.Output.ShouldContain("systemctl restart easymo-sip-edge");
            reload.Output.ShouldNotContain("TLS configuration reloaded");
        }
        finally
        {
            await File.WriteAllTextAsync(edge.ConfigPath, original, Ct);
        }

        var again = await edge.ReloadAsync();
        again.ExitCode.ShouldBe(0, $"the configuration it started with reloads again: {again}\n{edge.InstanceLog[^Math.Min(edge.InstanceLog.Length, 4000)..]}");
    }

    [Fact]
    public async Task A_configuration_that_fails_kamailio_c_is_neither_reloaded_nor_started()
    {
        var original = await File.ReadAllTextAsync(edge.ConfigPath, Ct);
        await File.AppendAllTextAsync(edge.ConfigPath, "\nroute[BROKEN] {\n", Ct);
        try
        {
            var reload = await edge.ReloadAsync();
            var prepare = await edge.RunHelperAsync("prepare"); // the unit's ExecStartPre: its failure stops the start

            reload.ExitCode.ShouldNotBe(0, reload.Output);
            reload.Output.ShouldContain("failed: the configuration is not used");
            prepare.ExitCode.ShouldNotBe(0, prepare.Output);
            prepare.Output.ShouldContain("failed: the configuration is not used");
        }
        finally
        {
            await File.WriteAllTextAsync(edge.ConfigPath, original, Ct);
        }

        var (tls, _) = await edge.ConnectTlsAsync(Ct);
        await using (tls)
        {
            (await edge.OptionsAsync(tls, Ct)).ShouldStartWith("SIP/2.0 200 ", customMessage: "the running edge was not touched");
        }
    }

    /// <summary>The first time SIPp sent <paramref name="method"/> (the trace's clock) came after <paramref name="moment"/>.</summary>
    private static void SentAfter(SippResult side, string method, DateTime moment, string what)
    {
        var sent = side.Messages.FirstOrDefault(message => !message.Received && message.IsRequest(method))
            ?? throw new ShouldAssertException($"{what} was never sent:\n{side}");
        sent.At.ShouldNotBeNull();
        sent.At.Value.ShouldBeGreaterThan(moment, $"{what} was sent before the edge was reloaded or restarted\n{side}");
    }
}
