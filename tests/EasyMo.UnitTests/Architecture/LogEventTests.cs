using System.Reflection;
using Microsoft.Extensions.Logging;

namespace EasyMo.UnitTests.Architecture;

/// <summary>
/// Every log event the service writes has an id and a name of its own: operators alert and search on them
/// (<c>EventId.Name</c> in the JSON lines), and two events sharing one would make a dashboard count the wrong thing.
/// </summary>
public sealed class LogEventTests
{
    private static readonly Assembly[] Ours =
    [
        typeof(EasyMo.Domain.Calls.Call).Assembly,
        typeof(EasyMo.Application.DependencyInjection).Assembly,
        typeof(EasyMo.Infrastructure.DependencyInjection).Assembly,
        typeof(EasyMo.WebApi.Logging.SerilogSetup).Assembly,
    ];

    private static readonly IReadOnlyList<(string Method, int Id, string? Name)> Events =
    [
        .. Ours.SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(pair => pair.Attribute is not null)
            // A generic type's events are declared once, whatever it is closed over.
            .Select(pair => ($"{pair.Method.DeclaringType!.Name}.{pair.Method.Name}", pair.Attribute!.EventId, pair.Attribute.EventName)),
    ];

    [Fact]
    public void There_are_log_events_to_check()
    {
        Events.Count.ShouldBeGreaterThan(60);
    }

    [Fact]
    public void Every_log_event_has_an_id_and_a_name_of_its_own()
    {
        Events.ShouldAllBe(e => e.Id > 0 && !string.IsNullOrWhiteSpace(e.Name), "every event has an id and a name");

        var sharedIds = Events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method} ({e.Name})"))}").ToList();
        sharedIds.ShouldBeEmpty();

        var sharedNames = Events.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method} ({e.Id})"))}").ToList();
        sharedNames.ShouldBeEmpty();
    }
}
