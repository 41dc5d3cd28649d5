using System.Diagnostics;
using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Callbacks.RecordCallbackProgress;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.HandleCallTool;
using EasyMo.Application.Features.Calls.RecordCallConsent;
using EasyMo.Application.Features.Calls.RecordCallEnded;
using EasyMo.Application.Features.Calls.RecordTranscript;
using EasyMo.Application.Features.Calls.TransferCall;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Infrastructure.OpenAi;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// One call followed from its accept (or a takeover) to its end, on the sideband of the runtime that answered it
/// (<see cref="SidebandProtocol"/>: Realtime's or GPT-Live's): opens the socket (retrying briefly), makes the
/// agent greet first (asking for consent when the caller has no remembered answer), stores transcripts, answers tools,
/// records consent on keys 1 and 2, transfers on key 0, enforces the idle and duration guards, and records the end when
/// the socket closes. A call back (GPT-Live, outbound) is first followed while it rings: the greeting waits for
/// <c>transport.answered</c>, and a call nobody answers (<c>transport.failed</c>, or <see cref="CallbackOptions.RingTimeout"/>)
/// ends as not answered. Everything it stores goes through mediator commands.
/// Transcript turns spoken before the caller answered the consent question are held in memory only: stored once the
/// caller agrees, dropped when they refuse or never answer (docs/privacy.md).
/// </summary>
internal sealed partial class CallSession(
    OpenAiCallId callId,
    bool fresh,
    FollowedCallInfo? known,
    TranscriptWriter transcripts,
    LiveCallBroadcast live,
    EasyMoMetrics metrics,
    IServiceScopeFactory scopes,
    SidebandOptions options,
    TimeSpan maxCallDuration,
    TimeSpan ringTimeout,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Most turns held in memory while the caller has not answered (the question comes in the greeting).</summary>
    private const int MaxHeldTurns = 200;

    /// <summary>How long the end waits for the call's last turns to be written.</summary>
    private static readonly TimeSpan TranscriptFlushWait = TimeSpan.FromSeconds(10);

    /// <summary>What the model is told when it asks for a transfer while the call is being transferred already.</summary>
    private static readonly CallToolResult AlreadyTransferring = new(
        JsonSerializer.Serialize(new { status = "transferring", instruction = "The caller is already being connected to a person; do not ask again." }),
        ToolFollowUp.Transferred);

    private readonly List<SpokenTurn> _unconsentedTurns = [];

    private CallEndReason? _endReason;
    private bool _hangUpAfterResponse;
    private DateTimeOffset? _hangUpAt;
    private SessionClosed? _closed;
    private Consent _consent;
    private SidebandProtocol _protocol = new RealtimeSideband();
    private DateTimeOffset _acceptedAt;
    private CallQualityMeter? _quality;

    /// <summary>
    /// Follows the call until it ends (or the service stops, or the lease is lost). Returns whether the call is over as far
    /// as the store goes (its end recorded, or it was not live): then its follow claim needs no release.
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken stoppingToken)
    {
        FollowedCallInfo? call = known;
        Callback? callback = null;
        if (call is null)
        {
            // A call taken over, or a call back: read what the decision knew (a call this instance just decided comes with it).
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ICallStore>();
            var stored = await store.GetCallAsync(callId, stoppingToken);
            if (stored is not { IsLive: true })
            {
                return true;
            }

            var name = stored.ProfileId is { } profileId ? (await store.FindProfileByIdAsync(profileId, stoppingToken))?.Name : null;
            call = FollowedCallInfo.Of(stored, name);
            if (stored.Runtime == VoiceRuntime.Live && fresh)
            {
                // Only GPT-Live places calls: a Realtime call is never a call back, and costs no query.
                callback = await scope.ServiceProvider.GetRequiredService<ICallbackStore>().FindBySessionAsync(callId, stoppingToken);
            }
        }

        _protocol = SidebandProtocol.For(call.Runtime);
        _acceptedAt = call.AcceptedAt;
        _consent = call.Consent;
        var callerName = call.CallerName;
        var deadline = call.AcceptedAt + maxCallDuration;
        if (time.GetUtcNow() >= deadline)
        {
            await HangUpAsync(CallEndReason.MaxDuration, stoppingToken);
            await EndAsync(CallEndReason.MaxDuration);
            return true;
        }

        // The greeting's wait is measured for a call greeted now (not a takeover, not a call back that rang first).
        _quality = new CallQualityMeter(time, metrics, call.AcceptedAt, greets: fresh && callback is null)
        {
            OnWait = ms => live.Publish(new LiveCallEvent(LiveCallEvent.Wait, callId.Value, time.GetUtcNow(), WaitMs: ms)),
        };
        await using var socket = await ConnectAsync(stoppingToken);
        if (socket is null)
        {
            _quality = null; // nothing was measured
            if (!stoppingToken.IsCancellationRequested)
            {
                // The caller may still hear ringing or silence: close the call rather than leave it open.
                await HangUpAsync(CallEndReason.ConnectionLost, stoppingToken);
                await EndAsync(CallEndReason.ConnectionLost);
                return true;
            }

            return false;
        }

        Attached(logger, callId, fresh);
        live.Publish(new LiveCallEvent(
            LiveCallEvent.Started, callId.Value, time.GetUtcNow(), call.Caller, call.Language.Code, call.AcceptedAt, _consent == Consent.Granted));
        if (fresh)
        {
            string instructions;
            List<JsonDocument> early;
            if (callback is { Status: CallbackStatus.Placed })
            {
                // A call back rings first: nothing is said before the caller picks up, and nobody may pick up.
                var (answered, notAnswered, beforeAnswer) = await AwaitAnswerAsync(socket, stoppingToken);
                if (!answered)
                {
                    beforeAnswer.ForEach(document => document.Dispose());
                    if (stoppingToken.IsCancellationRequested)
                    {
                        return false;
                    }

                    if (notAnswered == RingTimedOut)
                    {
                        await HangUpAsync(CallEndReason.NotAnswered, stoppingToken);
                    }

                    await SendAsync(new RecordCallbackProgressCommand(callId, Answered: false, notAnswered), CancellationToken.None);
                    await EndAsync(CallEndReason.NotAnswered);
                    return true;
                }

                await SendAsync(new RecordCallbackProgressCommand(callId, Answered: true), stoppingToken);
                instructions = Greetings.ForCallback(
                    call.Language, callerName, CallbackPolicy.CalledAt(callback), callback.Reason == CallbackReason.Operator, askConsent: call.Consent == Consent.NotAsked);
                early = beforeAnswer;
            }
            else
            {
                instructions = Greetings.For(call.Language, callerName, askConsent: call.Consent == Consent.NotAsked);
                // On GPT-Live the session already runs (no session.start); the instructions make it speak first, once it says it
                // started (or after a short wait: whether an accepted SIP session says so is unconfirmed).
                early = [];
                if (_protocol.GreetsAfterStart)
                {
                    (var started, early) = await AwaitAsync(socket, type => type == "session.started", options.LiveStartWait, stoppingToken);
                    started?.Dispose();
                }
            }

            await socket.SendAsync(_protocol.Say(instructions), stoppingToken);
            foreach (var document in early)
            {
                using (document)
                {
                    foreach (var sidebandEvent in _protocol.Read(document.RootElement))
                    {
                        await HandleAsync(socket, sidebandEvent, stoppingToken);
                    }
                }
            }
        }

        var reason = await FollowAsync(socket, deadline, stoppingToken);
        if (reason is { } ended)
        {
            foreach (var held in _protocol.Flush())
            {
                await HandleAsync(socket, held, stoppingToken);
            }

            await EndAsync(ended, _closed?.VoiceSeconds);
            return true;
        }

        return false;
    }

    /// <summary>What <see cref="AwaitAnswerAsync"/> says when the call back rang for <see cref="CallbackOptions.RingTimeout"/>.</summary>
    private const string RingTimedOut = "ring_timeout";

    /// <summary>
    /// Waits for a call back to be answered: <c>transport.answered</c> (true), or <c>transport.failed</c> (its
    /// <c>error.code</c>), <c>session.closed</c>, the socket's end, or the ring time running out (false, and why). What came
    /// before is returned, to be handled after the greeting.
    /// </summary>
    private async Task<(bool Answered, string? Why, List<JsonDocument> Early)> AwaitAnswerAsync(RealtimeSocket socket, CancellationToken stoppingToken)
    {
        var (stop, early) = await AwaitAsync(socket, type => type is "transport.answered" or "transport.failed" or "session.closed", ringTimeout, stoppingToken);
        using (stop)
        {
            if (stop is null)
            {
                return (false, socket.Events.Completion.IsCompleted ? "connection closed" : RingTimedOut, early);
            }

            var root = stop.RootElement;
            return RealtimeSocket.Text(root, "type") switch
            {
                "transport.answered" => (true, null, early),
                "transport.failed" => (false, root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && RealtimeSocket.Text(error, "code") is { Length: > 0 } code
                    ? code
                    : "transport failed", early),
                _ => (false, RealtimeSocket.Text(root, "reason") is { Length: > 0 } reason ? reason : "session closed", early),
            };
        }
    }

    /// <summary>
    /// Waits for the first event whose type <paramref name="stopAt"/> accepts, at most <paramref name="wait"/>; returns it
    /// (null: none came, or the socket ended) and what came before it, to be handled after the greeting (nothing is lost).
    /// </summary>
    private static async Task<(JsonDocument? Stop, List<JsonDocument> Early)> AwaitAsync(
        RealtimeSocket socket, Func<string, bool> stopAt, TimeSpan wait, CancellationToken stoppingToken)
    {
        var early = new List<JsonDocument>();
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        waiting.CancelAfter(wait);
        try
        {
            while (await socket.Events.WaitToReadAsync(waiting.Token))
            {
                while (socket.Events.TryRead(out var serverEvent))
                {
                    if (stopAt(RealtimeSocket.Text(serverEvent.RootElement, "type")))
                    {
                        return (serverEvent, early);
                    }

                    early.Add(serverEvent);
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Nothing in time: the caller decides what that means.
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        return (null, early);
    }

    /// <summary>Reads events until the socket closes (the end) or a guard fires; null when the service is stopping.</summary>
    private async Task<CallEndReason?> FollowAsync(RealtimeSocket socket, DateTimeOffset deadline, CancellationToken stoppingToken)
    {
        // One timer for the whole call, reset for each wait (no allocation per event).
        var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            while (true)
            {
                if (_closed is { } closed)
                {
                    // GPT-Live's last word on the session (read now or before the greeting): an end this service caused
                    // keeps its own reason.
                    return _endReason ?? closed.Reason ?? CallEndReason.RemoteEnded;
                }

                var now = time.GetUtcNow();
                // Any message counts, including those the socket dropped unread (audio and transcript deltas).
                var idleAt = socket.LastReceived + options.IdleTimeout;
                if (_endReason is null && _hangUpAt is { } goodbyeSaid && now >= goodbyeSaid)
                {
                    // end_call on GPT-Live: the agent had its time to say goodbye.
                    _hangUpAt = null;
                    await HangUpAsync(CallEndReason.AgentHangup, stoppingToken);
                    _endReason = CallEndReason.AgentHangup;
                    idleAt = now + TimeSpan.FromSeconds(5);
                    deadline = idleAt;
                }
                else if (_endReason is null && (now >= deadline || now >= idleAt))
                {
                    var guard = now >= deadline ? CallEndReason.MaxDuration : CallEndReason.IdleTimeout;
                    await HangUpAsync(guard, stoppingToken);
                    _endReason = guard;

                    // OpenAI closes the socket once the call is down; don't wait for it forever.
                    idleAt = now + TimeSpan.FromSeconds(5);
                    deadline = idleAt;
                }
                else if (_endReason is not null && now >= idleAt)
                {
                    return _endReason;
                }

                if (!wait.TryReset())
                {
                    wait.Dispose();
                    wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                }

                var wakeAt = deadline < idleAt ? deadline : idleAt;
                if (_hangUpAt is { } hangUpAt && hangUpAt < wakeAt)
                {
                    wakeAt = hangUpAt;
                }

                var delay = wakeAt - now;
                wait.CancelAfter(delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
                bool more;
                try
                {
                    more = await socket.Events.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    continue; // a guard's time came: the loop's head handles it
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                if (!more)
                {
                    if (_endReason is null && !socket.ClosedCleanly)
                    {
                        // Lost without a close frame (or a message over the limit): the call may go on at OpenAI with no
                        // guard and out of the live-call count. A best-effort hang-up; 404 if it was over already.
                        await HangUpAsync(CallEndReason.ConnectionLost, stoppingToken);
                        return CallEndReason.ConnectionLost;
                    }

                    return _endReason ?? CallEndReason.CallerHangup;
                }

                while (socket.Events.TryRead(out var serverEvent))
                {
                    using (serverEvent)
                    {
                        foreach (var sidebandEvent in _protocol.Read(serverEvent.RootElement))
                        {
                            await HandleAsync(socket, sidebandEvent, stoppingToken);
                        }
                    }
                }
            }
        }
        finally
        {
            wait.Dispose();
        }
    }

    private async Task HandleAsync(RealtimeSocket socket, SidebandEvent sidebandEvent, CancellationToken stoppingToken)
    {
        switch (sidebandEvent)
        {
            case Spoken spoken:
                // The live view shows what was said only when the caller agreed that it may be kept.
                live.Publish(new LiveCallEvent(
                    LiveCallEvent.Turn, callId.Value, time.GetUtcNow(), Speaker: StateNames.Of(spoken.Speaker), Text: _consent == Consent.Granted ? spoken.Text : null));
                await RecordTurnAsync(new SpokenTurn(callId, spoken.Speaker, spoken.Text, spoken.ItemId, time.GetUtcNow()), stoppingToken);
                break;

            case ToolCalled tool:
                var called = time.GetTimestamp();
                // A transfer already under way is the same transfer (the model asking again, the event seen twice): not a
                // second REFER, nor a second brief for the person answering.
                var result = tool.Name == AgentTools.TransferToHuman && _endReason == CallEndReason.Transferred
                    ? AlreadyTransferring
                    : await SendAsync(new HandleCallToolCommand(callId, tool.Name, tool.Arguments), stoppingToken);
                foreach (var clientEvent in _protocol.ToolOutput(tool.ToolCallId, result.Output))
                {
                    await socket.SendAsync(clientEvent, stoppingToken);
                }

                _quality?.ToolAnswered(time.GetElapsedTime(called));

                if (result.Consent is { } consent)
                {
                    await ConsentAnsweredAsync(consent, stoppingToken);
                }

                if (result.FollowUp == ToolFollowUp.HangUpAfterResponse)
                {
                    if (_protocol.GoodbyeGrace is { } grace)
                    {
                        _hangUpAt ??= time.GetUtcNow() + grace;
                    }
                    else
                    {
                        _hangUpAfterResponse = true;
                    }
                }

                if (result.FollowUp == ToolFollowUp.Transferred && _endReason is null)
                {
                    // The socket closes when the REFER completes: the caller went to a person, they did not hang up.
                    _endReason = CallEndReason.Transferred;
                }

                break;

            case ResponseDone when _hangUpAfterResponse && _endReason is null:
                _hangUpAfterResponse = false;
                await HangUpAsync(CallEndReason.AgentHangup, stoppingToken);
                _endReason = CallEndReason.AgentHangup;
                break;

            case KeyPressed { Key: "0" } when _endReason is null:
                if (await SendAsync(new TransferCallCommand(callId, TransferTrigger.KeyPress), stoppingToken) == TransferOutcome.Transferring)
                {
                    _endReason = CallEndReason.Transferred;
                }

                break;

            case KeyPressed { Key: "1" or "2" } key when _endReason is null:
                var granted = key.Key == "1";
                if (await SendAsync(new RecordCallConsentCommand(callId, granted, ConsentSource.Keypad), stoppingToken) is { } keyed)
                {
                    await ConsentAnsweredAsync(keyed, stoppingToken);
                    await socket.SendAsync(_protocol.Say(Greetings.KeypadConsent(granted)), stoppingToken);
                }

                break;

            case AgentSpeaking speaking:
                _quality?.Waited(speaking.Wait);
                break;

            case SessionClosed closed:
                _closed = closed;
                break;

            case SessionError error:
                ServerError(logger, callId, error.Code);
                break;
        }
    }

    /// <summary>Stores a turn when the caller consented; holds it in memory while they have not answered; drops it otherwise.</summary>
    private async Task RecordTurnAsync(SpokenTurn turn, CancellationToken stoppingToken)
    {
        switch (_consent)
        {
            case Consent.Granted:
                await transcripts.WriteAsync(turn, Stopwatch.GetTimestamp(), stoppingToken);
                break;
            case Consent.NotAsked when _unconsentedTurns.Count < MaxHeldTurns:
                _unconsentedTurns.Add(turn);
                break;
        }
    }

    /// <summary>The caller answered: the turns held so far are stored (yes) or forgotten (no).</summary>
    private async Task ConsentAnsweredAsync(Consent consent, CancellationToken stoppingToken)
    {
        _consent = consent;
        if (consent == Consent.Granted)
        {
            // Storable from now: their lag counts from the consent, not from when they were said.
            var storableAt = Stopwatch.GetTimestamp();
            foreach (var turn in _unconsentedTurns)
            {
                await transcripts.WriteAsync(turn, storableAt, stoppingToken);
            }
        }

        _unconsentedTurns.Clear();
    }

    private async Task<RealtimeSocket?> ConnectAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var openAi = scope.ServiceProvider.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        var url = _protocol.Url(openAi.WebSocketBaseUrl, callId);
        for (var attempt = 1; attempt <= Math.Max(1, options.ConnectAttempts); attempt++)
        {
            try
            {
                return await RealtimeSocket.ConnectAsync(url, openAi.ApiKey, openAi.ProjectId, openAi.OrganizationId, _protocol, _quality, time, stoppingToken);
            }
            catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                ConnectFailed(logger, callId, attempt, RealtimeSocket.Describe(exception));
                if (attempt < options.ConnectAttempts)
                {
                    await Task.Delay(options.ConnectRetryDelay, time, stoppingToken);
                }
            }
        }

        return null;
    }

    private async Task HangUpAsync(CallEndReason reason, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ICallControls>().For(_protocol.Runtime).HangupAsync(callId, stoppingToken);
        HungUp(logger, callId, reason, result.Outcome);
    }

    /// <summary>
    /// Records the end, after the call's last turns were written (a summary must not start without them): one statement
    /// while the stored call is still the one this session knows (accepted, with the consent it last saw).
    /// </summary>
    private async Task EndAsync(CallEndReason reason, int? voiceSeconds = null)
    {
        var at = time.GetUtcNow();
        live.Publish(new LiveCallEvent(LiveCallEvent.Ended, callId.Value, at, EndReason: StateNames.Of(reason)));
        if (_consent == Consent.Granted)
        {
            await transcripts.FlushAsync(TranscriptFlushWait, CancellationToken.None);
        }

        await SendAsync(
            new RecordCallEndedCommand(callId, reason, at, voiceSeconds, new KnownCall(_acceptedAt, _consent), _quality?.Summary()),
            CancellationToken.None);
    }

    private async Task<TResponse> SendAsync<TResponse>(ICommand<TResponse> command, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, cancellationToken);
    }

    [LoggerMessage(EventId = 1310, EventName = "CALL_MONITOR_ATTACHED", Level = LogLevel.Information, Message = "Following call {CallId} (new call: {Fresh})")]
    private static partial void Attached(ILogger logger, OpenAiCallId callId, bool fresh);

    [LoggerMessage(EventId = 1311, EventName = "CALL_MONITOR_CONNECT_FAILED", Level = LogLevel.Warning, Message = "Sideband socket of call {CallId} did not open (attempt {Attempt}: {Error})")]
    private static partial void ConnectFailed(ILogger logger, OpenAiCallId callId, int attempt, string error);

    [LoggerMessage(EventId = 1312, EventName = "OPENAI_SIP_CALL_HANGUP", Level = LogLevel.Information, Message = "Hung up call {CallId} ({Reason}): {Outcome}")]
    private static partial void HungUp(ILogger logger, OpenAiCallId callId, CallEndReason reason, RealtimeCallOutcome outcome);

    [LoggerMessage(EventId = 1313, EventName = "CALL_MONITOR_SERVER_ERROR", Level = LogLevel.Warning, Message = "OpenAI reported an error on call {CallId}: {Code}")]
    private static partial void ServerError(ILogger logger, OpenAiCallId callId, string code);
}
