using System.Text;
using System.Text.Json;
using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Realtime;

namespace EasyMo.UnitTests.Realtime;

/// <summary>
/// The socket drops, unparsed, the events no session reads: it must find an event's <c>type</c> wherever it stands, and
/// every event a runtime's <see cref="SidebandProtocol.Read"/> turns into something must pass its filter.
/// </summary>
public sealed class SidebandFilterTests
{
    [Theory]
    [InlineData("""{"type":"response.done"}""", "response.done")]
    [InlineData("""{"event_id":"ev_1","response":{"type":"inner","output":[{"type":"deeper"}]},"type":"response.done"}""", "response.done")]
    [InlineData("""{"delta":"AAAA","list":[1,2,{"type":"x"}],"type":"response.output_audio.delta"}""", "response.output_audio.delta")]
    [InlineData("""{"event_id":"ev_2"}""", "")]
    [InlineData("""{"type":42}""", "")]
    [InlineData("""{"type":"respon\u0073e.done"}""", "")] // escaped: not read so (and not dropped by mistake as another type)
    [InlineData("""["type","response.done"]""", "")]
    [InlineData("""{"type":"response.done" """, "response.done")] // the type is read before the rest is malformed
    [InlineData("""{"type" """, "")]
    [InlineData("not json", "")]
    public void The_type_is_read_from_the_top_level_only(string message, string expected) =>
        Encoding.UTF8.GetString(RealtimeSocketTypeOf(message)).ShouldBe(expected);

    [Theory]
    [InlineData("""{"type":"response.output_audio.delta","delta":"AAAA""", "response.output_audio.delta")]
    [InlineData("""{"event_id":"ev_1","type":"response.output_audio.del""", "")]
    [InlineData("""{"event_id":"ev_1","response":{"type":"x","output":[""", "")]
    public void The_type_is_read_from_the_first_part_of_a_long_message_when_it_is_there(string part, string expected) =>
        Encoding.UTF8.GetString(RealtimeSocket.TypeOf(Encoding.UTF8.GetBytes(part), complete: false).ToArray()).ShouldBe(expected);

    public static TheoryData<string, string> EventsEachRuntimeReads => new()
    {
        { "realtime", """{"type":"conversation.item.input_audio_transcription.completed","item_id":"i1","transcript":"Muraho"}""" },
        { "realtime", """{"type":"response.output_audio_transcript.done","item_id":"i2","transcript":"Bite?"}""" },
        { "realtime", """{"type":"response.function_call_arguments.done","call_id":"c1","name":"end_call","arguments":"{}"}""" },
        { "realtime", """{"type":"response.done"}""" },
        { "realtime", """{"type":"input_audio_buffer.dtmf_event_received","event":"0"}""" },
        { "realtime", """{"type":"error","error":{"code":"x"}}""" },
        { "live", """{"type":"session.input_transcript.delta","event_id":"e1","delta":"Mur"}""" },
        { "live", """{"type":"session.output_transcript.delta","event_id":"e2","delta":"Bon"}""" },
        { "live", """{"type":"response.event","event_id":"e3","event":{"type":"response.output_item.done","item":{"type":"function_call","call_id":"c","name":"end_call","arguments":"{}"}}}""" },
        { "live", """{"type":"transport.dtmf.received","event_id":"e4","digit":"1"}""" },
        { "live", """{"type":"session.closed","event_id":"e5","reason":"caller_hangup"}""" },
        { "live", """{"type":"error","event_id":"e6","error":{"code":"x"}}""" },
    };

    [Theory]
    [MemberData(nameof(EventsEachRuntimeReads))]
    public void Every_event_a_runtime_reads_passes_its_filter(string runtime, string message)
    {
        var protocol = SidebandProtocol.For(runtime == "live" ? VoiceRuntime.Live : VoiceRuntime.Realtime);
        using var document = JsonDocument.Parse(message);

        // A GPT-Live transcript delta says something once its turn closes (here: at the end).
        protocol.Read(document.RootElement).Concat(protocol.Flush()).ShouldNotBeEmpty("the event means something to the session");
        protocol.Reads(RealtimeSocketTypeOf(message)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("realtime", "response.output_audio.delta")]
    [InlineData("realtime", "response.output_audio_transcript.delta")]
    [InlineData("realtime", "input_audio_buffer.speech_started")]
    [InlineData("realtime", "rate_limits.updated")]
    [InlineData("live", "session.output_audio.delta")]
    [InlineData("live", "response.output_audio_transcript.done")]
    public void High_volume_events_no_session_reads_are_dropped(string runtime, string type)
    {
        var protocol = SidebandProtocol.For(runtime == "live" ? VoiceRuntime.Live : VoiceRuntime.Realtime);

        protocol.Reads(Encoding.UTF8.GetBytes(type)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("session.started")]
    [InlineData("transport.answered")]
    [InlineData("transport.failed")]
    public void The_events_a_call_back_and_the_greeting_wait_for_pass_on_GPT_Live(string type) =>
        SidebandProtocol.For(VoiceRuntime.Live).Reads(Encoding.UTF8.GetBytes(type)).ShouldBeTrue();

    private static byte[] RealtimeSocketTypeOf(string message) => RealtimeSocket.TypeOf(Encoding.UTF8.GetBytes(message)).ToArray();
}
