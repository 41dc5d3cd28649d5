using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.WhatsApp;
using EasyMo.IntegrationTests.Outbox;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.VoiceNotes;

/// <summary>
/// The voice note worker end to end: the webhook stores the note, the worker looks the media up and downloads it at the
/// fake Graph API, transcribes it and writes the reply at the fake OpenAI, and the outbox sends the reply.
/// </summary>
public sealed class VoiceNoteWorkerTests
{
    private const string Reply = "Murakoze! Open EasyMO and choose Rides to book a moto.";

    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["VoiceNotes:SweepInterval"] = "00:00:00.050",
        ["VoiceNotes:BaseDelay"] = "00:00:00.050",
        ["VoiceNotes:MaxDelay"] = "00:00:00.200",
        ["VoiceNotes:MaxAttempts"] = "3",
        ["VoiceNotes:LeaseDuration"] = "00:00:15",
        ["VoiceNotes:RequestTimeout"] = "00:00:03",
    };

    [Fact]
    public async Task A_voice_note_is_transcribed_answered_and_the_reply_sent_once()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        host.App.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(Reply);
        var (messageId, waId, mediaId) = (NewMessageId(), await Consenting.WaIdAsync(host.App), "media-" + Guid.NewGuid().ToString("N"));

        await PostAsync(host, Audio(messageId, waId, mediaId));
        var note = await WaitForOutcomeAsync(host, messageId);
        var sent = await WaitForSentReplyAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Answered);
        note.Transcript.ShouldBe(host.App.OpenAi.TranscriptionText);
        note.ReplyText.ShouldBe(Reply);
        note.ReplyLanguage.ShouldNotBeNull();
        note.Attempts.ShouldBe(1);
        sent.Recipient.ShouldBe(waId);
        sent.Body.ShouldBe(Reply);
        sent.Language.ShouldBe(note.ReplyLanguage);

        graph.Requests.Where(r => r.Operation == "media").ShouldHaveSingleItem().Id.ShouldBe(mediaId);
        graph.Requests.Where(r => r.Operation == "media.download").ShouldHaveSingleItem().Authorization.ShouldBe("Bearer " + host.AccessToken);
        graph.Sends(waId).ShouldHaveSingleItem().Json.GetProperty("text").GetProperty("body").GetString().ShouldBe(Reply);

        var transcription = host.App.OpenAi.Transcriptions.ShouldHaveSingleItem();
        transcription.ContentType.ShouldNotBeNull().ShouldStartWith("multipart/form-data");
        transcription.Model.ShouldBe("gpt-4o-mini-transcribe");
        transcription.FileContentType.ShouldBe("audio/ogg");
        transcription.FileName.ShouldBe("voice-note.ogg");
        transcription.File.ShouldBe(graph.MediaBytes);
        transcription.Authorization.ShouldBe("Bearer " + host.App.ApiKey);
        var responses = host.App.OpenAi.For("responses").ShouldHaveSingleItem();
        JsonNode.Parse(responses.Body)!["input"]!.GetValue<string>().ShouldBe(host.App.OpenAi.TranscriptionText);

        var logs = host.App.Logs.Text;
        logs.ShouldContain("WA_VOICE_NOTE_ANSWERED");
        logs.ShouldNotContain(waId);
        logs.ShouldNotContain("Kimironko");
        logs.ShouldNotContain("Murakoze");
    }

    [Fact]
    public async Task A_download_whose_body_stalls_is_given_up_at_its_deadline_and_the_next_note_is_answered()
    {
        // Issue 12 (review M7): the client's timeouts ended with the response headers, so one stalled body held the
        // worker for good and the next note never came.
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>(Fast) { ["VoiceNotes:RequestTimeout"] = "00:00:02" });
        host.App.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(Reply);
        var waId = await Consenting.WaIdAsync(host.App);
        var (stalled, next) = (NewMessageId(), NewMessageId());
        graph.StalledDownloads.Add("media-stalled");

        await PostAsync(host, Audio(stalled, waId, "media-stalled"));
        await PostAsync(host, Audio(next, waId, "media-" + Guid.NewGuid().ToString("N")));
        var answered = await WaitForOutcomeAsync(host, next);

        answered.Status.ShouldBe(VoiceNoteStatus.Answered);
        await using var db = host.App.Db();
        var first = await db.VoiceNotes.AsNoTracking().SingleAsync(n => n.MessageId == stalled, Ct);
        first.Status.ShouldNotBe(VoiceNoteStatus.Answered);
        first.LastError.ShouldNotBeNull().ShouldContain("media download: timed out");
    }

    [Fact]
    public async Task A_note_too_large_gets_a_polite_reply_and_is_not_transcribed()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>(Fast) { ["VoiceNotes:MaxBytes"] = "8" });
        var (messageId, waId) = (NewMessageId(), await Consenting.WaIdAsync(host.App));

        await PostAsync(host, Audio(messageId, waId, "media-big"));
        var note = await WaitForOutcomeAsync(host, messageId);
        var sent = await WaitForSentReplyAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Rejected);
        note.LastError.ShouldBe("too large");
        note.Transcript.ShouldBeNull();
        sent.Body.ShouldBe(note.ReplyText);
        host.App.OpenAi.Transcriptions.ShouldBeEmpty();
        host.App.OpenAi.For("responses").ShouldBeEmpty();
        graph.Requests.ShouldNotContain(r => r.Operation == "media.download");
    }

    [Fact]
    public async Task A_note_of_an_unsupported_type_gets_a_polite_reply_without_a_download()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        var (messageId, waId) = (NewMessageId(), await Consenting.WaIdAsync(host.App));
        var item = AudioItem(messageId, waId, "media-video");
        item["audio"]!["mime_type"] = "video/mp4";

        await PostAsync(host, Delivery(Entry(Change("messages", Value(contacts: [Contact(waId, "Caller")], messages: [item])))));
        var note = await WaitForOutcomeAsync(host, messageId);
        await WaitForSentReplyAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Rejected);
        note.LastError.ShouldBe("unsupported type");
        graph.Requests.ShouldNotContain(r => r.Operation == "media" || r.Operation == "media.download");
        host.App.OpenAi.Transcriptions.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failed_transcription_is_retried_and_then_answered()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        host.App.OpenAi.Responder = (operation, _, attempt) => Task.FromResult(operation == "transcriptions" && attempt == 1 ? 500 : 200);
        var messageId = NewMessageId();

        await PostAsync(host, Audio(messageId, await Consenting.WaIdAsync(host.App), "media-retry"));
        var note = await WaitForOutcomeAsync(host, messageId);
        await WaitForSentReplyAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Answered);
        note.Attempts.ShouldBe(2);
        note.LastError.ShouldBeNull();
        host.App.OpenAi.Transcriptions.Count.ShouldBe(2);
        host.App.Logs.Text.ShouldContain("WA_VOICE_NOTE_RETRY");
    }

    [Fact]
    public async Task A_note_failing_every_time_ends_failed_without_a_reply()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        host.App.OpenAi.Responder = (operation, _, _) => Task.FromResult(operation == "transcriptions" ? 503 : 200);
        var messageId = NewMessageId();

        await PostAsync(host, Audio(messageId, await Consenting.WaIdAsync(host.App), "media-fail"));
        var note = await WaitForOutcomeAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Failed);
        note.Attempts.ShouldBe(3);
        note.LastError.ShouldNotBeNull().ShouldContain("HTTP 503");
        await using var db = host.App.Db();
        (await db.OutboxMessages.CountAsync(m => m.DeduplicationKey == "voice-note-reply:" + messageId, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Two_hosts_process_each_note_once()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var first = await OutboxHost.StartAsync(graph, Fast);
        await using var second = await OutboxHost.StartAsync(graph, Fast, first.App.ConnectionString, first.App.OpenAi);
        var messageIds = Enumerable.Range(0, 6).Select(_ => NewMessageId()).ToList();

        foreach (var (messageId, i) in messageIds.Select((id, i) => (id, i)))
        {
            await PostAsync(i % 2 == 0 ? first : second, Audio(messageId, await Consenting.WaIdAsync(first.App), "media-" + i));
        }

        foreach (var messageId in messageIds)
        {
            (await WaitForOutcomeAsync(first, messageId)).Status.ShouldBe(VoiceNoteStatus.Answered);
            await WaitForSentReplyAsync(first, messageId);
        }

        first.App.OpenAi.Transcriptions.Count.ShouldBe(messageIds.Count);
        first.App.OpenAi.For("responses").Count.ShouldBe(messageIds.Count);
        await using var db = first.App.Db();
        (await db.OutboxMessages.CountAsync(m => m.DeduplicationKey.StartsWith("voice-note-reply:"), Ct)).ShouldBe(messageIds.Count);
        (await db.VoiceNotes.Where(n => n.Attempts != 1).CountAsync(Ct)).ShouldBe(0);
    }

    // Review L2 (issue 15): the media URL comes from Graph's answer and the download carries the WhatsApp token, so it
    // is fetched only from an allowed host at a public address. The test kit allows the fake's own host (127.0.0.1) and
    // private addresses; "localhost" reaches the same fake, so a URL there would be fetched if the host were not checked.

    [Fact]
    public async Task A_media_URL_on_another_host_is_not_fetched_and_the_note_fails_without_the_token_being_sent()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.MediaUrl = id => $"http://localhost:{graph.BaseUrl.Port}/media-download/{id}?hash=query-secret";
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        var (messageId, waId) = (NewMessageId(), await Consenting.WaIdAsync(host.App));

        await PostAsync(host, Audio(messageId, waId, "media-elsewhere"));
        var note = await WaitForOutcomeAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Failed);
        note.LastError.ShouldBe("media URL host not allowed (localhost)");
        note.Attempts.ShouldBe(1);
        graph.Requests.Where(r => r.Operation == "media").ShouldHaveSingleItem();
        graph.Requests.ShouldNotContain(r => r.Operation == "media.download");
        host.App.OpenAi.Transcriptions.ShouldBeEmpty();
        await ShouldHaveNoReplyAsync(host, messageId);
        var logs = host.App.Logs.Text;
        logs.ShouldContain("WA_VOICE_NOTE_MEDIA_REFUSED");
        logs.ShouldContain("localhost");
        logs.ShouldNotContain("query-secret");
        logs.ShouldNotContain(host.AccessToken);
    }

    [Fact]
    public async Task A_media_URL_on_an_allowed_host_resolving_to_a_private_address_is_not_connected_to()
    {
        // Whatever listens there is never reached: the host is resolved, found private, and refused at the connect step.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(Ct);
                    Interlocked.Increment(ref connections);
                }
            }
            catch (Exception exception) when (exception is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The listener stopped with the test.
            }
        }, Ct);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var graph = await FakeGraph.StartAsync();
        graph.MediaUrl = id => $"https://localhost:{port}/whatsapp_business/attachments/?mid={id}";
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>(Fast)
        {
            ["WhatsApp:MediaHosts:0"] = "localhost",
            ["WhatsApp:AllowPrivateMediaAddresses"] = "false",
        });
        var messageId = NewMessageId();

        await PostAsync(host, Audio(messageId, await Consenting.WaIdAsync(host.App), "media-private"));
        var note = await WaitForOutcomeAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Failed);
        Volatile.Read(ref connections).ShouldBe(0);
        note.LastError.ShouldBe("media host resolves to a non-public address (localhost)");
        note.Attempts.ShouldBe(1);
        host.App.OpenAi.Transcriptions.ShouldBeEmpty();
        host.App.Logs.Text.ShouldContain("WA_VOICE_NOTE_MEDIA_REFUSED");
    }

    [Fact]
    public async Task A_redirect_to_a_host_not_allowed_is_not_followed()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        graph.DownloadRedirects["media-redirected"] = $"http://localhost:{graph.BaseUrl.Port}/media-cdn/media-redirected";
        var messageId = NewMessageId();

        await PostAsync(host, Audio(messageId, await Consenting.WaIdAsync(host.App), "media-redirected"));
        var note = await WaitForOutcomeAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Failed);
        note.LastError.ShouldBe("media URL host not allowed (localhost)");
        graph.Requests.Where(r => r.Operation == "media.download").ShouldHaveSingleItem().Authorization.ShouldBe("Bearer " + host.AccessToken);
        graph.Requests.ShouldNotContain(r => r.Operation == "media.cdn");
        host.App.OpenAi.Transcriptions.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redirect_to_an_allowed_host_is_followed_without_the_token()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, Fast);
        host.App.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(Reply);
        graph.DownloadRedirects["media-to-cdn"] = graph.CdnUrl("media-to-cdn").ToString();
        var messageId = NewMessageId();

        await PostAsync(host, Audio(messageId, await Consenting.WaIdAsync(host.App), "media-to-cdn"));
        var note = await WaitForOutcomeAsync(host, messageId);

        note.Status.ShouldBe(VoiceNoteStatus.Answered);
        graph.Requests.Where(r => r.Operation == "media.download").ShouldHaveSingleItem().Authorization.ShouldBe("Bearer " + host.AccessToken);
        graph.Requests.Where(r => r.Operation == "media.cdn").ShouldHaveSingleItem().Authorization.ShouldBeEmpty();
        host.App.OpenAi.Transcriptions.ShouldHaveSingleItem().File.ShouldBe(graph.MediaBytes);
    }

    private static async Task ShouldHaveNoReplyAsync(OutboxHost host, string messageId)
    {
        await using var db = host.App.Db();
        (await db.OutboxMessages.CountAsync(m => m.DeduplicationKey == "voice-note-reply:" + messageId, Ct)).ShouldBe(0);
    }

    private static async Task PostAsync(OutboxHost host, string body)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/whatsapp-webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", host.Signer.Sign(bytes));
        using var response = await host.App.CreateClient().SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<VoiceNote> WaitForOutcomeAsync(OutboxHost host, string messageId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            await using (var db = host.App.Db())
            {
                var note = await db.VoiceNotes.AsNoTracking().SingleOrDefaultAsync(n => n.MessageId == messageId, Ct);
                if (note is { Status: not VoiceNoteStatus.Pending })
                {
                    return note;
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"Voice note {messageId} is still pending ({note?.Attempts} attempts, {note?.LastError}).");
                }
            }

            await Task.Delay(50, Ct);
        }
    }

    private static async Task<OutboxMessage> WaitForSentReplyAsync(OutboxHost host, string messageId)
    {
        var key = "voice-note-reply:" + messageId;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            await using (var db = host.App.Db())
            {
                var message = await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.DeduplicationKey == key, Ct);
                if (message is { Status: OutboxStatus.Sent })
                {
                    return message;
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"The reply to {messageId} was not sent ({message?.Status}).");
                }
            }

            await Task.Delay(50, Ct);
        }
    }
}
