using System.Text.Json;
using EasyMo.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyMo.WebApi.Endpoints;

/// <summary>Health reports as small JSON documents: overall status and each check's status and description.</summary>
public static class HealthResponse
{
    /// <summary><c>GET /health/live</c>: no check runs, so it answers 200 while the process serves.</summary>
    public static HealthCheckOptions Live() => new() { Predicate = _ => false, ResponseWriter = WriteAsync };

    /// <summary><c>GET /health/ready</c>: 200 only when the database answers and no migration is pending, else 503.</summary>
    public static HealthCheckOptions Ready() => new()
    {
        Predicate = check => check.Tags.Contains(DatabaseReadyHealthCheck.ReadyTag),
        ResponseWriter = WriteAsync,
    };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
