using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// <c>GET /api/live/calls</c> (issue 18, part 4): server-sent events of every instance's live calls through PostgreSQL's
/// NOTIFY, the caller masked for a viewer, what was said only for consented calls.
/// </summary>
public sealed class LiveViewTests
{
    [Fact]
    public async Task A_viewer_watching_one_instance_sees_a_call_followed_by_another_start_speak_and_end()
    {
        var viewerToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var watched = await EasyMoApp.StartAsync(Settings(("Admin:ViewerTokens", viewerToken)));
        await using var other = await EasyMoApp.StartAsync(Settings(), connectionString: watched.ConnectionString, openAi: watched.OpenAi);
        watched.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Muraho." });
            await session.SendAsync(new { type = "input_audio_buffer.speech_stopped", audio_end_ms = 2_000, item_id = "item_2" });
            await Task.Delay(200);
            await session.SendAsync(new { type = "response.output_audio.delta", item_id = "item_3", delta = "AAAA" });
            await Task.Delay(300);
            await session.CloseAsync();
        };

        using var client = watched.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewerToken);
        using var response = await client.GetAsync("/api/live/calls", HttpCompletionOption.ResponseHeadersRead, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        (await NextAsync(reader)).Kind.ShouldBe("snapshot");

        var caller = Events.NewRwandanNumber();
        var callId = Events.NewCallId();
        using (var decided = await other.PostWebhookAsync(Events.CarrierCall(callId, caller)))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.OK); // decided, and followed, by the other instance
        }

        var seen = new List<(string Kind, JsonElement Data)>();
        while (seen.Count == 0 || seen[^1].Kind != "ended")
        {
            var next = await NextAsync(reader);
            if (next.Data.GetProperty("callId").GetString() == callId)
            {
                seen.Add(next);
            }
        }

        seen.Select(e => e.Kind).ShouldBe(["started", "turn", "wait", "ended"]);
        var started = seen[0].Data;
        started.GetProperty("caller").GetString().ShouldNotBe(caller, "a viewer sees the number masked");
        started.GetProperty("caller").GetString()!.ShouldEndWith(caller[^3..]);
        started.GetProperty("consented").GetBoolean().ShouldBeFalse();
        seen[1].Data.GetProperty("speaker").GetString().ShouldBe("agent");
        seen[1].Data.TryGetProperty("text", out _).ShouldBeFalse("the caller never agreed that anything be kept");
        seen[2].Data.GetProperty("waitMs").GetInt32().ShouldBeInRange(150, 2_000);
        seen[3].Data.GetProperty("endReason").GetString().ShouldBe("caller_hangup");
    }

    private static async Task<(string Kind, JsonElement Data)> NextAsync(StreamReader reader)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        string? kind = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind is not null)
            {
                return (kind, JsonDocument.Parse(line[6..]).RootElement.Clone());
            }
        }

        throw new EndOfStreamException("the live view's stream ended");
    }
}
