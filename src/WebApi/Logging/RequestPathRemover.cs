using Serilog.Core;
using Serilog.Events;

namespace EasyMo.WebApi.Logging;

/// <summary>
/// Drops the <c>RequestPath</c> that ASP.NET Core's logging scope adds to every event: paths such as
/// <c>/api/profiles/+250…</c> carry phone numbers. Events keep the route pattern instead.
/// </summary>
public sealed class RequestPathRemover : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) => logEvent.RemovePropertyIfPresent("RequestPath");
}
