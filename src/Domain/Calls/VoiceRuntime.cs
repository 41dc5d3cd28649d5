namespace EasyMo.Domain.Calls;

/// <summary>
/// Which of OpenAI's voice runtimes answers a call. The same pending SIP call may announce itself on both; the first
/// accept or reject at either surface decides it (docs/adr/0006).
/// </summary>
public enum VoiceRuntime
{
    /// <summary>The Realtime API over SIP (<c>realtime.call.incoming</c>, <c>/v1/realtime/calls/{call_id}</c>): legacy, still served.</summary>
    Realtime,

    /// <summary>GPT-Live over SIP (<c>live.transport.incoming</c>, <c>/v1/live/sessions/{session_id}</c>): OpenAI's current voice runtime.</summary>
    Live,
}
