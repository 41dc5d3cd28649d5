using System.Net.Sockets;
using EasyMo.Domain.Common;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace EasyMo.WebApi.ErrorHandling;

/// <summary>
/// Turns exceptions into RFC 9457 problem details: invalid commands 400, broken invariants 409, an unreachable
/// database 503 (OpenAI retries a webhook that gets it), anything else 500 without internals.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case ValidationException validation:
                problem = new ValidationProblemDetails(validation.Errors
                    .GroupBy(error => error.PropertyName)
                    .ToDictionary(group => group.Key, group => group.Select(error => error.ErrorMessage).ToArray()))
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Invalid request",
                };
                break;
            case DomainException domain:
                problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = domain.Message };
                break;
            case BadHttpRequestException badRequest:
                problem = new ProblemDetails { Status = badRequest.StatusCode, Title = "Bad request" };
                break;
            case var _ when IsDatabaseUnavailable(exception):
                DatabaseUnavailable(logger, exception.GetType().Name);
                httpContext.Response.Headers.RetryAfter = "5";
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = "The database cannot be reached; nothing was done. Retry later.",
                };
                break;
            default:
                Unhandled(logger, exception);
                problem = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Internal server error" };
                break;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>Connection failures, timeouts, server states a retry may outlive (classes 08, 53, 57, 58), a schema not yet migrated.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState[..2] is "08" or "53" or "57" or "58" || postgres.SqlState == "42P01"; // 42P01: schema not migrated yet
                case NpgsqlException or SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 1900, EventName = "DATABASE_UNAVAILABLE", Level = LogLevel.Error, Message = "Database unavailable ({ExceptionType}); answered 503")]
    private static partial void DatabaseUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1901, EventName = "UNHANDLED_EXCEPTION", Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void Unhandled(ILogger logger, Exception exception);
}
