using System.Net.Http.Headers;
using System.Text;

namespace EasyMo.SandboxTests;

public sealed class RestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"model":"gpt-realtime"}""", "type")]
    [InlineData("""{"type":"transcription","model":"gpt-realtime"}""", "type")]
    [InlineData("""{"type":"realtime"}""", "model")]
    [InlineData("not json", null)]
    public async Task An_accept_without_the_basics_of_a_GA_session_is_refused(string body, string? param)
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsync("v1/realtime/calls/rtc_x/accept", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        if (param is not null)
        {
            error.GetProperty("param").GetString().ShouldBe(param);
        }
    }

    [Fact]
    public async Task The_calls_api_wants_a_bearer_key()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var client = new HttpClient { BaseAddress = sandbox.BaseUrl };

        using var response = await client.PostAsJsonAsync("v1/realtime/calls/rtc_x/accept", new { type = "realtime", model = "gpt-realtime" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_accept_answers_200_with_an_empty_body_as_OpenAI_does()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync("v1/realtime/calls/rtc_ok/accept", new { type = "realtime", model = "gpt-realtime", instructions = "Hi" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();
        sandbox.State.FindCall("rtc_ok").ShouldNotBeNull().Status.ShouldBe("accepted");
    }

    [Fact]
    public async Task Sending_a_WhatsApp_message_returns_a_wamid_and_records_the_message()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync("v24.0/sandbox-number/messages", new
        {
            messaging_product = "whatsapp",
            recipient_type = "individual",
            to = "250788123456",
            type = "text",
            text = new { body = "Murakoze!", preview_url = false },
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var wamid = body.GetProperty("messages")[0].GetProperty("id").GetString().ShouldNotBeNull();
        wamid.ShouldStartWith("wamid.");
        body.GetProperty("contacts")[0].GetProperty("wa_id").GetString().ShouldBe("250788123456");
        var message = sandbox.State.Messages.ShouldHaveSingleItem();
        message.ShouldBe(message with { Id = wamid, PhoneNumberId = "sandbox-number", To = "250788123456", Type = "text", Text = "Murakoze!" });
    }

    [Fact]
    public async Task A_message_without_a_token_is_refused_as_Graph_does()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var client = new HttpClient { BaseAddress = sandbox.BaseUrl };

        using var response = await client.PostAsJsonAsync("v24.0/sandbox-number/messages", new { messaging_product = "whatsapp", to = "250788123456", type = "text" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetInt32().ShouldBe(190);
        sandbox.State.Messages.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Write 1 to 3 short sentences in Kinyarwanda (language code rw), whatever language", "Umukiriya yashakaga taxi")]
    [InlineData("Write 1 to 3 short sentences in English (language code en), whatever language", "The caller asked for a taxi")]
    public async Task Responses_return_a_canned_summary_in_the_language_asked_for(string instructions, string start)
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync("v1/responses", new { model = "gpt-4o-mini", instructions, input = "Caller: Muraho", max_output_tokens = 300, store = false }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("status").GetString().ShouldBe("completed");
        var message = body.GetProperty("output").EnumerateArray().Single(item => item.GetProperty("type").GetString() == "message");
        message.GetProperty("content")[0].GetProperty("type").GetString().ShouldBe("output_text");
        message.GetProperty("content")[0].GetProperty("text").GetString().ShouldNotBeNull().ShouldStartWith(start);
    }

    [Fact]
    public async Task A_transcription_returns_canned_text()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent([1, 2, 3]);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/ogg");
        form.Add(file, "file", "note.ogg");
        form.Add(new StringContent("gpt-4o-mini-transcribe"), "model");

        using var response = await sandbox.Http.PostAsync("v1/audio/transcriptions", form, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_media_id_leads_to_a_download()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        var media = await sandbox.Http.GetFromJsonAsync<JsonElement>("v24.0/media_123", Ct);
        var bytes = await sandbox.Http.GetByteArrayAsync(media.GetProperty("url").GetString(), Ct);

        media.GetProperty("mime_type").GetString().ShouldBe("audio/ogg");
        bytes.Length.ShouldBe(media.GetProperty("file_size").GetInt32());
    }

    [Fact]
    public async Task The_status_page_lists_calls_and_messages()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await sandbox.AcceptAsync("rtc_status");

        var status = await sandbox.Http.GetFromJsonAsync<JsonElement>("/", Ct);

        status.GetProperty("service").GetString().ShouldBe("easymo-sandbox");
        status.GetProperty("calls")[0].GetProperty("id").GetString().ShouldBe("rtc_status");
        status.GetProperty("messages").GetArrayLength().ShouldBe(0);
    }
}
