using System.Net.WebSockets;

namespace EasyMo.SandboxTests;

public sealed class SidebandTests
{
    private static string NewCallId() => "rtc_" + Guid.NewGuid().ToString("N");

    private static string Type(JsonElement serverEvent) => serverEvent.GetProperty("type").GetString()!;

    [Fact]
    public async Task An_accepted_call_plays_its_script_on_the_socket_and_ends_with_a_close()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var callId = NewCallId();
        await sandbox.AcceptAsync(callId);
        using var socket = await sandbox.ConnectAsync(callId);
        var client = new SidebandClient(socket);

        (await client.ReceiveAsync()).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("session.created");
        await client.SendAsync(new { type = "session.update", session = new { type = "realtime", instructions = "Be brief." } });
        (await client.ReceiveAsync()).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("session.updated");
        await client.SendAsync(new { type = "response.create", response = new { instructions = "Greet the caller warmly in Kinyarwanda, say you are EasyMO's assistant." } });
        var events = await client.ReadToEndAsync();

        // What the service's CallSession reads, in order: agent and caller transcripts, the tool call, the agent's answers.
        var consumed = events
            .Where(e => Type(e) is "response.output_audio_transcript.done" or "conversation.item.input_audio_transcription.completed" or "response.function_call_arguments.done")
            .Select(e => Type(e) switch
            {
                "response.output_audio_transcript.done" => "agent: " + e.GetProperty("transcript").GetString(),
                "conversation.item.input_audio_transcription.completed" => "caller: " + e.GetProperty("transcript").GetString(),
                _ => "tool: " + e.GetProperty("name").GetString(),
            })
            .ToList();
        consumed.ShouldBe(
        [
            "agent: Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw'ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya.",
            "caller: Yego.",
            "tool: record_consent",
            "agent: Murakoze. Nagufasha iki?",
            "caller: Muraho, ndashaka taxi.",
            "agent: Yego. Uri he, kandi ujya he?",
            "caller: Ndi i Kimironko, njya mu mujyi.",
            "tool: record_request",
            "agent: Byakozwe. Umushoferi arakuvugisha kuri WhatsApp. Murakoze, murabeho!",
        ]);

        // Every transcript item has its id (the service stores each item once), every agent turn ends with response.done.
        events.Where(e => Type(e).EndsWith("transcript.done", StringComparison.Ordinal) || Type(e).EndsWith("transcription.completed", StringComparison.Ordinal))
            .ShouldAllBe(e => !string.IsNullOrEmpty(e.GetProperty("item_id").GetString()));
        events.Count(e => Type(e) == "response.done").ShouldBe(6); // four agent turns, two tool calls
        var tools = events.Where(e => Type(e) == "response.function_call_arguments.done").ToList();
        JsonDocument.Parse(tools[0].GetProperty("arguments").GetString()!).RootElement.GetProperty("granted").GetBoolean().ShouldBeTrue();
        var tool = tools.Single(e => e.GetProperty("name").GetString() == "record_request");
        JsonDocument.Parse(tool.GetProperty("arguments").GetString()!).RootElement.GetProperty("service").GetString().ShouldBe("rides");

        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        var call = sandbox.State.FindCall(callId).ShouldNotBeNull();
        call.Status.ShouldBe("ended");
        call.ClientEvents.ShouldBe(["session.update", "response.create", "conversation.item.create", "response.create", "conversation.item.create", "response.create"]);
    }

    [Fact]
    public async Task The_script_follows_the_language_of_the_greeting_and_is_English_otherwise()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var callId = NewCallId();
        await sandbox.AcceptAsync(callId);
        using var socket = await sandbox.ConnectAsync(callId);
        var client = new SidebandClient(socket);
        await client.SendAsync(new { type = "response.create", response = new { instructions = "Greet the caller warmly in English." } });

        var events = await client.ReadToEndAsync();

        events.First(e => Type(e) == "response.output_audio_transcript.done").GetProperty("transcript").GetString()
            .ShouldBe("Hello, this is EasyMO's AI assistant, not a person. May we keep this conversation to serve you better? Say yes or no, or press 1 for yes, 2 for no.");
        events.First(e => Type(e) == "conversation.item.input_audio_transcription.completed").GetProperty("transcript").GetString()
            .ShouldBe("Yes.");
    }

    [Fact]
    public async Task A_socket_for_a_call_never_accepted_is_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var refused = await Should.ThrowAsync<WebSocketException>(() => sandbox.ConnectAsync(NewCallId()));

        refused.WebSocketErrorCode.ShouldBe(WebSocketError.NotAWebSocket);
        sandbox.State.Requests.ShouldContain(r => r.Operation == "realtime" && r.Status == 404);
    }

    [Fact]
    public async Task A_socket_for_a_rejected_call_is_refused()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var callId = NewCallId();
        using (var reject = await sandbox.Http.PostAsJsonAsync($"v1/realtime/calls/{callId}/reject", new { status_code = 486 }, TestContext.Current.CancellationToken))
        {
            reject.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await Should.ThrowAsync<WebSocketException>(() => sandbox.ConnectAsync(callId));
    }

    [Fact]
    public async Task A_hang_up_by_the_service_closes_the_socket()
    {
        await using var sandbox = await SandboxHost.StartAsync(options => options.TurnDelay = TimeSpan.FromSeconds(30));
        var callId = NewCallId();
        await sandbox.AcceptAsync(callId);
        using var socket = await sandbox.ConnectAsync(callId);
        var client = new SidebandClient(socket);
        await client.SendAsync(new { type = "response.create", response = new { instructions = "Greet the caller warmly in English." } });
        (await client.ReceiveAsync()).ShouldNotBeNull(); // session.created

        using (var hangup = await sandbox.Http.PostAsync($"v1/realtime/calls/{callId}/hangup", null, TestContext.Current.CancellationToken))
        {
            hangup.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await hangup.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
        }

        var rest = await client.ReadToEndAsync(); // returns at the close, well before the 30 s turn delay
        rest.ShouldNotContain(e => Type(e) == "conversation.item.input_audio_transcription.completed");
        sandbox.State.FindCall(callId).ShouldNotBeNull().Status.ShouldBe("hung_up");
        await Should.ThrowAsync<WebSocketException>(() => sandbox.ConnectAsync(callId)); // the call is over
    }
}
