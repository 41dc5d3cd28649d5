using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace EasyMo.Testing;

/// <summary>Every log event of a test host, rendered exactly as the service writes it to stdout.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly RenderedCompactJsonFormatter _formatter = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join('\n', _lines);

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        _lines.Enqueue(writer.ToString());
    }
}
