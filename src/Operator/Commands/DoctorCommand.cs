using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Infrastructure.Configuration;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>doctor</c>: checks what the service needs, one line per check (<c>ok</c>, <c>warn</c>, <c>FAIL</c>) with what to do:
/// its configuration, the database and its migrations, OpenAI and, when configured, the Graph API. Exits 1 when any
/// check fails. Every network check gives up after a few seconds; no secret is printed.
/// </summary>
public static class DoctorCommand
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var doctor = new Command("doctor", "Check the configuration, the database and its migrations, OpenAI and the Graph API; one line per check.");
        doctor.SetAction((_, ct) => RunAsync(context, ct));
        return doctor;
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var report = new Report(context.Out);
        var configuration = context.Configuration;

        // The service's own check, for the environment the service would run in (ASPNETCORE_ENVIRONMENT, as it reads it).
        var problems = StartupConfiguration.Validate(configuration, context.EnvironmentName);
        if (problems.Count == 0)
        {
            await report.OkAsync("configuration", StartupConfiguration.IsStrict(context.EnvironmentName)
                ? $"every required setting is present and well-formed, and safe to expose ({context.EnvironmentName})"
                : $"every required setting is present and well-formed ({context.EnvironmentName}: what production requires is not checked)");
        }

        foreach (var problem in problems)
        {
            await report.FailAsync("configuration", problem);
        }

        await CheckIdentityAsync(report, configuration);
        await CheckCallbacksAsync(report, configuration);
        await CheckDatabaseAsync(report, configuration, ct);
        await CheckOpenAiAsync(report, configuration, ct);
        await CheckGraphAsync(report, configuration, ct);

        await context.Out.WriteLineAsync(report.Failures == 0
            ? "doctor: no failure"
            : $"doctor: {report.Failures} failure(s)");
        return report.Failures == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Whether callers can be verified, and what happens to those who are not. Warnings only: the service runs.</summary>
    private static async Task CheckIdentityAsync(Report report, IConfiguration configuration)
    {
        var identity = StartupConfiguration.Identity(configuration);
        if (identity.Problems().Count > 0)
        {
            return; // already a configuration failure
        }

        var keys = EdgeAttestationKeys.Split(identity.AttestationKey).Count;
        if (keys == 0)
        {
            await report.WarnAsync("identity", $"{CallerIdentityOptions.AttestationKeyVariable} is not set: no call can be verified, every caller is unverified ({identity.Policy.ToString().ToLowerInvariant()})");
        }
        else
        {
            await report.OkAsync("identity", $"{keys} attestation key(s) configured; unverified callers: {identity.Policy.ToString().ToLowerInvariant()}");
        }

        if (identity.Policy == UnverifiedCallerPolicy.Trust)
        {
            await report.WarnAsync("identity", $"{CallerIdentityOptions.UnverifiedCallersVariable}=trust: unattested callers are believed, so anyone who reaches OpenAI's SIP address can speak as any EasyMO user (hear their name and last call, change their profile); use anonymous or reject unless a carrier is pointed straight at OpenAI");
        }
    }

    /// <summary>Whether busy callers are called back, through which trunk (never its credentials), and whether anything follows those calls.</summary>
    private static async Task CheckCallbacksAsync(Report report, IConfiguration configuration)
    {
        CallbackOptions callbacks;
        try
        {
            callbacks = StartupConfiguration.Callbacks(configuration);
        }
        catch (InvalidOperationException)
        {
            return; // already a configuration failure
        }

        if (!callbacks.Enabled)
        {
            await report.OkAsync("callbacks", "off: callers the service cannot answer get the WhatsApp fallback only (EASYMO_CALLBACKS_ENABLED=true to call them back)");
            return;
        }

        if (callbacks.Problems().Count > 0)
        {
            return; // already a configuration failure
        }

        await report.OkAsync("callbacks", $"on: placed through GPT-Live via {callbacks.TrunkUrl} as {Domain.Common.PhoneNumber.Mask(callbacks.CallerNumber)}, "
            + $"{callbacks.CallingHoursStart:HH\\:mm}-{callbacks.CallingHoursEnd:HH\\:mm} in the caller's time zone, at most {callbacks.MaxPerNumberPerDay} a day per number; "
            + "OpenAI must have enabled outbound SIP calling for the organization (else the first call back fails with outbound_sip_not_enabled and the feature turns off)");
        if (!configuration.GetValue("Sideband:Enabled", defaultValue: true))
        {
            await report.WarnAsync("callbacks", "Sideband__Enabled=false: calls back would ring with nobody to greet the caller; turn the sideband monitor on");
        }
    }

    private static async Task CheckDatabaseAsync(Report report, IConfiguration configuration, CancellationToken ct)
    {
        var (connectionString, problem) = CliDatabase.Resolve(configuration);
        if (connectionString is null)
        {
            await report.FailAsync("database", $"not checked: {problem}");
            await report.WarnAsync("migrations", "not checked: no database");
            return;
        }

        var database = CliDatabase.Describe(connectionString);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout * 2);
        try
        {
            await using var db = CliDatabase.Open(connectionString);
            var pending = (await db.Database.GetPendingMigrationsAsync(timeout.Token)).ToList();
            await report.OkAsync("database", $"{database} answers");
            if (pending.Count == 0)
            {
                await report.OkAsync("migrations", $"none pending ({db.Database.GetMigrations().Count()} applied)");
                await CheckRuntimeEventsAsync(report, configuration, db, timeout.Token);
            }
            else if (configuration.GetValue("Database:ApplyMigrations", defaultValue: false))
            {
                await report.WarnAsync("migrations", $"{pending.Count} pending; the service applies them at start-up (EASYMO_APPLY_MIGRATIONS=true)");
            }
            else
            {
                await report.FailAsync("migrations", $"{pending.Count} pending ({string.Join(", ", pending)}): run the `migrate` command; until then /health/ready answers 503");
            }
        }
        catch (Exception exception) when (CliDatabase.IsUnreachable(exception) || (exception is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var reason = exception is OperationCanceledException ? "timed out" : CliDatabase.Reason(exception);
            await report.FailAsync("database", $"{database} unreachable ({reason}): check ConnectionStrings__EasyMo and that PostgreSQL runs");
            await report.WarnAsync("migrations", "not checked: no database");
        }
    }

    /// <summary>
    /// Whether the incoming-call events of the last day are the configured runtime's (<c>OPENAI_VOICE_RUNTIME</c>): only the
    /// other runtime's arriving means every call is acknowledged and none answered.
    /// </summary>
    private static async Task CheckRuntimeEventsAsync(Report report, IConfiguration configuration, Infrastructure.Persistence.EasyMoDbContext db, CancellationToken ct)
    {
        var live = string.Equals(configuration["OpenAI:VoiceRuntime"]?.Trim(), "live", StringComparison.OrdinalIgnoreCase);
        var counts = await db.Database.SqlQuery<EventCount>(
            $"""
            SELECT event_type, count(*)::int AS count FROM webhook_deliveries
            WHERE source = 'openai' AND received_at > now() - interval '24 hours'
              AND event_type IN ('realtime.call.incoming', 'live.transport.incoming', 'live.call.incoming')
            GROUP BY event_type
            """).ToListAsync(ct);
        var realtime = counts.Where(c => c.EventType == "realtime.call.incoming").Sum(c => c.Count);
        var liveEvents = counts.Where(c => c.EventType != "realtime.call.incoming").Sum(c => c.Count);
        var (answered, other, setting, otherEvent) = live
            ? (liveEvents, realtime, "live", "realtime.call.incoming")
            : (realtime, liveEvents, "realtime", "live.transport.incoming");
        if (answered == 0 && other > 0)
        {
            await report.WarnAsync("runtime", $"OPENAI_VOICE_RUNTIME={setting}, but the last 24 h brought only {otherEvent} ({other}): every call was acknowledged and none answered; set OPENAI_VOICE_RUNTIME={(live ? "realtime" : "live")}, or subscribe the webhook endpoint to {(live ? "live.transport.incoming" : "realtime.call.incoming")}");
        }
        else
        {
            await report.OkAsync("runtime", $"OPENAI_VOICE_RUNTIME={setting}: {answered} incoming call(s) of that runtime in 24 h, {other} of the other acknowledged");
        }
    }

    private sealed record EventCount(string EventType, int Count);

    private static async Task CheckOpenAiAsync(Report report, IConfiguration configuration, CancellationToken ct)
    {
        var key = configuration["OpenAI:ApiKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            await report.FailAsync("openai", "not checked: OPENAI_API_KEY is not set");
            return;
        }

        var baseUrl = configuration["OpenAI:BaseUrl"] is { Length: > 0 } configured ? configured : "https://api.openai.com/v1";
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/models", UriKind.Absolute, out var models))
        {
            await report.FailAsync("openai", "not checked: OPENAI_BASE_URL is not an absolute URL");
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, models);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        AddHeader(request, "OpenAI-Project", configuration["OpenAI:ProjectId"]);
        AddHeader(request, "OpenAI-Organization", configuration["OpenAI:OrganizationId"]);
        var status = await SendAsync(report, "openai", request, ct);
        switch (status)
        {
            case null:
                return;
            case HttpStatusCode.OK:
                await report.OkAsync("openai", $"GET {models} answered 200: the key is accepted");
                break;
            case HttpStatusCode.Unauthorized:
                await report.FailAsync("openai", $"GET {models} answered 401: the key is refused; check OPENAI_API_KEY (and OPENAI_ORG_ID, OPENAI_PROJECT_ID)");
                break;
            default:
                await report.FailAsync("openai", $"GET {models} answered {(int)status}: check OPENAI_BASE_URL and the project's access");
                break;
        }
    }

    private static async Task CheckGraphAsync(Report report, IConfiguration configuration, CancellationToken ct)
    {
        var token = configuration["WhatsApp:AccessToken"];
        var phoneNumberId = configuration["WhatsApp:PhoneNumberId"];
        if (string.IsNullOrWhiteSpace(token) || string.IsNullOrWhiteSpace(phoneNumberId))
        {
            await report.WarnAsync("whatsapp", "not configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID): no WhatsApp messages or voice notes");
            return;
        }

        var graphBase = configuration["WhatsApp:GraphBaseUrl"] is { Length: > 0 } configured ? configured : "https://graph.facebook.com";
        var version = configuration["WhatsApp:ApiVersion"] is { Length: > 0 } v ? v : "v24.0";
        if (!Uri.TryCreate($"{graphBase.TrimEnd('/')}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(phoneNumberId.Trim())}", UriKind.Absolute, out var number))
        {
            await report.FailAsync("whatsapp", "not checked: WHATSAPP_GRAPH_BASE_URL is not an absolute URL");
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, number);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        var status = await SendAsync(report, "whatsapp", request, ct);
        switch (status)
        {
            case null:
                return;
            case HttpStatusCode.OK:
                await report.OkAsync("whatsapp", $"GET /{version}/{{phone-number-id}} answered 200: the token reaches the business number");
                break;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                await report.FailAsync("whatsapp", $"GET /{version}/{{phone-number-id}} answered {(int)status}: the token is refused; check WHATSAPP_ACCESS_TOKEN");
                break;
            default:
                await report.FailAsync("whatsapp", $"GET /{version}/{{phone-number-id}} answered {(int)status}: check WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_API_VERSION");
                break;
        }
    }

    /// <summary>The answer's status, or null (and a FAIL line) when the peer gave none in time.</summary>
    private static async Task<HttpStatusCode?> SendAsync(Report report, string check, HttpRequestMessage request, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = CheckTimeout };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.StatusCode;
        }
        catch (HttpRequestException exception)
        {
            await report.FailAsync(check, $"{request.RequestUri!.GetLeftPart(UriPartial.Authority)} unreachable ({exception.HttpRequestError}): check the URL and the network");
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            await report.FailAsync(check, $"{request.RequestUri!.GetLeftPart(UriPartial.Authority)} did not answer within {CheckTimeout.TotalSeconds:0} s");
            return null;
        }
    }

    private static void AddHeader(HttpRequestMessage request, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            request.Headers.TryAddWithoutValidation(name, value.Trim());
        }
    }

    private sealed class Report(TextWriter output)
    {
        public int Failures { get; private set; }

        public Task OkAsync(string check, string detail) => output.WriteLineAsync($"ok   {check}: {detail}");

        public Task WarnAsync(string check, string detail) => output.WriteLineAsync($"warn {check}: {detail}");

        public Task FailAsync(string check, string detail)
        {
            Failures++;
            return output.WriteLineAsync($"FAIL {check}: {detail}");
        }
    }
}
