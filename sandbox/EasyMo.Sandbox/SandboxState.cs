using System.Collections.Concurrent;

namespace EasyMo.Sandbox;

/// <summary>Everything the stand-ins received, kept in memory for the status page and for tests.</summary>
public sealed class SandboxState(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SandboxCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SandboxMessage> _messages = new();
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private int _counter;

    public IReadOnlyList<SandboxCall> Calls => _calls.Values.OrderBy(call => call.FirstSeenAt).ToArray();

    public IReadOnlyList<SandboxMessage> Messages => _messages.ToArray();

    /// <summary>Every request, in order: operation and call id (or message id), never bodies with secrets.</summary>
    public IReadOnlyList<SandboxRequest> Requests => _requests.ToArray();

    public DateTimeOffset Now => time.GetUtcNow();

    public int Next() => Interlocked.Increment(ref _counter);

    public SandboxCall Call(string callId) => _calls.GetOrAdd(callId, id => new SandboxCall(id, time.GetUtcNow()));

    public SandboxCall? FindCall(string callId) => _calls.GetValueOrDefault(callId);

    public void Record(string operation, string subject, int status) =>
        _requests.Enqueue(new SandboxRequest(time.GetUtcNow(), operation, subject, status));

    public void Record(SandboxMessage message) => _messages.Enqueue(message);
}

/// <summary>One call as the stand-in OpenAI sees it.</summary>
public sealed class SandboxCall(string id, DateTimeOffset firstSeenAt)
{
    private readonly Lock _gate = new();
    private readonly List<SandboxTurn> _transcript = [];
    private readonly List<string> _clientEvents = [];
    private CancellationTokenSource? _socket;

    public string Id { get; } = id;

    public DateTimeOffset FirstSeenAt { get; } = firstSeenAt;

    /// <summary>
    /// <c>accepted</c>, <c>rejected</c>, <c>referred</c>, <c>hung_up</c> (by the service) or <c>ended</c> (the script's hang-up);
    /// an outbound session starts <c>dialing</c>, then is <c>accepted</c> once answered or ends <c>no_answer</c>.
    /// </summary>
    public string Status { get; private set; } = "new";

    /// <summary>The number an outbound session dials (E.164); null for an incoming call.</summary>
    public string? Destination { get; private set; }

    public string? Model { get; private set; }

    public string? Instructions { get; private set; }

    public int Sockets { get; private set; }

    public string? ReferredTo { get; private set; }

    public IReadOnlyList<SandboxTurn> Transcript
    {
        get
        {
            lock (_gate)
            {
                return _transcript.ToArray();
            }
        }
    }

    /// <summary>Types of the client events the service sent over the sideband socket, in order.</summary>
    public IReadOnlyList<string> ClientEvents
    {
        get
        {
            lock (_gate)
            {
                return _clientEvents.ToArray();
            }
        }
    }

    /// <summary>Whether a sideband socket may be opened: the call was accepted and is not over.</summary>
    public bool Live => Status is "accepted";

    /// <summary>
    /// Whether an outbound session still rings: its sideband may be attached already (that is where the ringing and the
    /// answer are told), and it may be hung up (the dial is cancelled).
    /// </summary>
    public bool Ringing => Status is "dialing";

    public void Accepted(string model, string? instructions)
    {
        lock (_gate)
        {
            Status = Status == "new" ? "accepted" : Status;
            Model = model;
            Instructions = instructions;
        }
    }

    /// <summary>An outbound session was created: it rings <paramref name="destination"/> until its sideband plays the answer.</summary>
    public void Dialing(string destination, string model, string? instructions)
    {
        lock (_gate)
        {
            Status = "dialing";
            Destination = destination;
            Model = model;
            Instructions = instructions;
        }
    }

    /// <summary>The callee answered: from now on the session is an accepted call. False when it ended while ringing.</summary>
    public bool Answered()
    {
        lock (_gate)
        {
            if (Status != "dialing")
            {
                return false;
            }

            Status = "accepted";
            return true;
        }
    }

    public void Rejected()
    {
        lock (_gate)
        {
            Status = "rejected";
        }
    }

    /// <summary>The call is over (hang-up, transfer or end of script): the open socket, if any, closes.</summary>
    public void Over(string status, string? referredTo = null)
    {
        CancellationTokenSource? socket;
        lock (_gate)
        {
            if (Status is "accepted" or "new" or "dialing")
            {
                Status = status;
                ReferredTo = referredTo;
            }

            socket = _socket;
        }

        try
        {
            socket?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The socket already closed.
        }
    }

    /// <summary>Registers the sideband socket; its token is cancelled when the call is over.</summary>
    public CancellationTokenSource Attach(CancellationToken requestAborted)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        lock (_gate)
        {
            Sockets++;
            _socket = source;
        }

        return source;
    }

    public void Detach(CancellationTokenSource source)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_socket, source))
            {
                _socket = null;
            }
        }
    }

    public void Said(string speaker, string text)
    {
        lock (_gate)
        {
            _transcript.Add(new SandboxTurn(speaker, text));
        }
    }

    public void ClientSent(string type)
    {
        lock (_gate)
        {
            _clientEvents.Add(type);
        }
    }
}

public sealed record SandboxTurn(string Speaker, string Text);

public sealed record SandboxMessage(string Id, DateTimeOffset At, string PhoneNumberId, string To, string Type, string? Text);

public sealed record SandboxRequest(DateTimeOffset At, string Operation, string Subject, int Status);
