namespace EasyMo.SandboxTests;

/// <summary>The real service against the sandbox, as scripts/sandbox.sh runs them: a call from ring to summary.</summary>
public sealed class EndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_simulated_call_is_accepted_followed_ended_and_summarised()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var service = await SandboxedService.StartAsync(sandbox);
        var callId = "rtc_e2e_" + Guid.NewGuid().ToString("N");

        using (var webhook = await service.PostCallIncomingAsync(callId, "+250788123456"))
        {
            webhook.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await webhook.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        }

        using var admin = service.Admin();
        var call = await WaitForAsync(admin, callId, c => c.GetProperty("summaryStatus").GetString() == "done", TimeSpan.FromSeconds(30));

        call.GetProperty("status").GetString().ShouldBe("ended");
        call.GetProperty("language").GetString().ShouldBe("rw");
        call.GetProperty("endReason").GetString().ShouldBe("caller_hangup");
        call.GetProperty("consent").GetString().ShouldBe("granted", "the caller said yego and the agent recorded it");
        call.GetProperty("transcript").EnumerateArray()
            .Select(turn => $"{turn.GetProperty("speaker").GetString()}: {turn.GetProperty("text").GetString()}")
            .ShouldBe(
            [
                "agent: Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw'ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya.",
                "caller: Yego.",
                "agent: Murakoze. Nagufasha iki?",
                "caller: Muraho, ndashaka taxi.",
                "agent: Yego. Uri he, kandi ujya he?",
                "caller: Ndi i Kimironko, njya mu mujyi.",
                "agent: Byakozwe. Umushoferi arakuvugisha kuri WhatsApp. Murakoze, murabeho!",
            ]);
        call.GetProperty("requests")[0].GetProperty("service").GetString().ShouldBe("rides");
        call.GetProperty("summary").GetString().ShouldNotBeNull().ShouldStartWith("Umukiriya yashakaga taxi");
        // The analysis is asked for too, with a strict JSON schema; the sandbox answers each property's first value.
        call = await WaitForAsync(admin, callId, c => c.GetProperty("analysisStatus").GetString() == "done", TimeSpan.FromSeconds(30));
        call.GetProperty("analysis").GetProperty("service").GetString().ShouldBe("rides");
        call.GetProperty("analysis").GetProperty("outcome").GetString().ShouldBe("resolved");

        var seen = sandbox.State.FindCall(callId).ShouldNotBeNull();
        seen.Status.ShouldBe("ended");
        seen.Model.ShouldBe("gpt-realtime");
        sandbox.State.Requests.ShouldContain(r => r.Operation == "responses" && r.Status == 200);
    }

    [Fact]
    public async Task A_simulated_GPT_Live_call_is_accepted_followed_on_its_own_sideband_ended_priced_and_summarised()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var service = await SandboxedService.StartAsync(sandbox, runtime: "live");
        var sessionId = "live_e2e_" + Guid.NewGuid().ToString("N");

        using (var webhook = await service.PostLiveIncomingAsync(sessionId, "+250788123456"))
        {
            webhook.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await webhook.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        }

        using var admin = service.Admin();
        var call = await WaitForAsync(admin, sessionId, c => c.GetProperty("summaryStatus").GetString() == "done", TimeSpan.FromSeconds(30));

        call.GetProperty("runtime").GetString().ShouldBe("live");
        call.GetProperty("status").GetString().ShouldBe("ended");
        call.GetProperty("endReason").GetString().ShouldBe("caller_hangup");
        call.GetProperty("consent").GetString().ShouldBe("granted", "the caller said yego and the backend's record_consent stored it");
        var turns = call.GetProperty("transcript").EnumerateArray()
            .Select(turn => $"{turn.GetProperty("speaker").GetString()}: {turn.GetProperty("text").GetString()}").ToList();
        turns.ShouldContain("caller: Muraho, ndashaka taxi.");
        turns.ShouldContain("agent: Yego. Uri he, kandi ujya he?");
        call.GetProperty("requests")[0].GetProperty("service").GetString().ShouldBe("rides");
        call.GetProperty("voiceSeconds").GetInt32().ShouldBeGreaterThan(0);
        call.GetProperty("costUsd").GetDecimal().ShouldBeGreaterThan(0m);

        var seen = sandbox.State.FindCall(sessionId).ShouldNotBeNull();
        seen.Model.ShouldBe("gpt-live-1");
        sandbox.State.Requests.ShouldContain(r => r.Operation == "live.accept" && r.Status == 200);
        sandbox.State.Requests.ShouldContain(r => r.Operation == "live.attach" && r.Status == 101);
        sandbox.State.Requests.ShouldNotContain(r => r.Operation == "accept" || r.Operation == "realtime");
    }

    [Fact]
    public async Task A_caller_refused_for_a_full_line_is_called_back_on_GPT_Live_when_the_line_frees()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var service = await SandboxedService.StartAsync(sandbox, callbacks: true, maxLiveCalls: 1);
        var first = "rtc_e2e_" + Guid.NewGuid().ToString("N");
        var busy = "rtc_e2e_" + Guid.NewGuid().ToString("N");
        using (var webhook = await service.PostCallIncomingAsync(first, "+250788123456"))
        {
            (await webhook.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        }

        using (var webhook = await service.PostCallIncomingAsync(busy, "+250788765432"))
        {
            (await webhook.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("rejected");
        }

        using var admin = service.Admin();
        var queued = (await admin.GetFromJsonAsync<JsonElement>("/api/callbacks", Ct)).EnumerateArray().ShouldHaveSingleItem();
        queued.GetProperty("phone").GetString().ShouldBe("+250788765432");
        queued.GetProperty("reason").GetString().ShouldBe("busy");
        var promise = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!sandbox.State.Messages.Any(m => m.To == "250788765432" && m.Text?.Contains("Turabahamagara", StringComparison.Ordinal) == true) && DateTime.UtcNow < promise)
        {
            await Task.Delay(100, Ct);
        }

        // The WhatsApp text says so: "we will call you back on this number".
        sandbox.State.Messages.ShouldContain(m => m.To == "250788765432" && m.Text != null && m.Text.Contains("Turabahamagara", StringComparison.Ordinal));

        // The first call's conversation ends, the line frees, the call back rings, is answered, and is followed to its summary.
        JsonElement answered = default;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (DateTime.UtcNow < until)
        {
            answered = (await admin.GetFromJsonAsync<JsonElement>("/api/callbacks", Ct)).EnumerateArray().Single();
            if (answered.GetProperty("status").GetString() == "answered")
            {
                break;
            }

            await Task.Delay(200, Ct);
        }

        answered.GetProperty("status").GetString().ShouldBe("answered");
        var sessionId = answered.GetProperty("sessionId").GetString()!;
        var call = await WaitForAsync(admin, sessionId, c => c.GetProperty("summaryStatus").GetString() is "done" or "not_kept", TimeSpan.FromSeconds(45));
        call.GetProperty("runtime").GetString().ShouldBe("live");
        call.GetProperty("caller").GetString().ShouldBe("+250788765432");
        call.GetProperty("status").GetString().ShouldBe("ended");
        sandbox.State.Requests.ShouldContain(r => r.Operation == "live.create" && r.Status == 201);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient admin, string callId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < until)
        {
            using var response = await admin.GetAsync($"/api/calls/{callId}", Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                if (done(last))
                {
                    return last;
                }
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException($"Call {callId} did not get there in {timeout}: {last}");
    }
}
