using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EasyMo.Infrastructure;
using EasyMo.Infrastructure.WhatsApp;
using Polly.Timeout;
using Refit;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>whatsapp …</c>: the business number's calling settings at Meta (reference §3.2, §3.3), through the service's own
/// Graph API client. The SIP password Meta generates is never printed, only whether it is set.
/// </summary>
public static class WhatsAppCommands
{
    public const int DefaultSipPort = 5061;

    private static readonly string[] RequiredKeys = ["WhatsApp:AccessToken", "WhatsApp:PhoneNumberId"];

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var host = new Option<string>("--host")
        {
            Description = "Host name of the SIP server Meta sends calls to (TLS). A DNS name, not an IP address: Meta checks the server's certificate against it.",
            Required = true,
        };
        var port = new Option<int>("--port")
        {
            Description = "TLS port of the SIP server.",
            DefaultValueFactory = _ => DefaultSipPort,
        };
        var configureSip = new Command("configure-sip", "Enable calling over SIP on the business number (WHATSAPP_PHONE_NUMBER_ID) towards --host:--port, then read the settings back.")
        {
            host,
            port,
        };
        configureSip.SetAction((result, ct) => ConfigureSipAsync(context, result.GetValue(host)!, result.GetValue(port), ct));

        var json = new Option<bool>("--json") { Description = "Print the settings as JSON (the password still masked)." };
        var showSip = new Command("show-sip", "Show the business number's calling and SIP settings, with the SIP password masked.") { json };
        showSip.SetAction((result, ct) => ShowSipAsync(context, result.GetValue(json), ct));

        return new Command("whatsapp", "WhatsApp Business number commands (Graph API).") { configureSip, showSip };
    }

    /// <summary>Why <paramref name="host"/> cannot be a SIP server's host name for Meta, or null when it can.</summary>
    public static string? HostProblem(string host)
    {
        var kind = Uri.CheckHostName(host);
        if (kind is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return $"--host must be a host name, not an IP address: Meta validates the SIP server's TLS certificate against the host name.";
        }

        var labels = host.Split('.');
        if (kind != UriHostNameType.Dns || host.Length > 253 || labels.Length < 2
            || labels.Any(label => label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            || labels[^1].All(char.IsAsciiDigit))
        {
            return $"--host '{host}' is not a fully qualified DNS host name (such as sip.example.com): Meta validates the SIP server's TLS certificate against it.";
        }

        return null;
    }

    private static async Task<int> ConfigureSipAsync(CliContext context, string host, int port, CancellationToken ct)
    {
        host = host.Trim();
        var problems = new List<string>();
        if (HostProblem(host) is { } hostProblem)
        {
            problems.Add(hostProblem);
        }

        if (port is < 1 or > 65535)
        {
            problems.Add($"--port {port} is out of range: 1 to 65535.");
        }

        problems.AddRange(MissingConfiguration(context));
        if (problems.Count > 0)
        {
            await WriteLinesAsync(context.Error, problems);
            return ExitCodes.Usage;
        }

        var update = new GraphPhoneNumberSettings(new GraphCallingSettings(
            Status: "ENABLED",
            CallIconVisibility: null,
            CallbackPermissionStatus: null,
            SrtpKeyExchangeProtocol: "SDES",
            Sip: new GraphSipSettings("ENABLED", [new GraphSipServer(host, port, null, null, null, null)])));

        return await WithGraphAsync(context, async client =>
        {
            if (!await client.UpdateSettingsAsync(update, ct))
            {
                await context.Error.WriteLineAsync("warning: the Graph API did not answer {\"success\":true} to the update; reading the settings back.");
            }

            var settings = await client.GetSettingsAsync(includeSipCredentials: true, ct);
            await context.Out.WriteLineAsync("Settings read back:");
            await context.Out.WriteAsync(Describe(settings));

            WarnOnSrtpProtocol(context, settings);
            var differences = Differences(settings, host, port);
            if (differences.Count > 0)
            {
                await WriteLinesAsync(context.Error, differences.Select(difference => "differs: " + difference));
                return ExitCodes.Failed;
            }

            await context.Out.WriteLineAsync($"SIP is enabled towards {host}:{port}.");
            return ExitCodes.Ok;
        }, ct);
    }

    private static async Task<int> ShowSipAsync(CliContext context, bool json, CancellationToken ct)
    {
        var missing = MissingConfiguration(context);
        if (missing.Count > 0)
        {
            await WriteLinesAsync(context.Error, missing);
            return ExitCodes.Usage;
        }

        return await WithGraphAsync(context, async client =>
        {
            var settings = await client.GetSettingsAsync(includeSipCredentials: true, ct);
            await context.Out.WriteAsync(json ? DescribeJson(settings) + Environment.NewLine : Describe(settings));
            return ExitCodes.Ok;
        }, ct);
    }

    /// <summary>The Graph settings a command needs that are unset, one line each.</summary>
    internal static List<string> MissingConfiguration(CliContext context) =>
        context.Missing(RequiredKeys).Select(variable => variable switch
        {
            "WHATSAPP_ACCESS_TOKEN" => "WHATSAPP_ACCESS_TOKEN is not set: the Graph API bearer token of the Meta app.",
            "WHATSAPP_PHONE_NUMBER_ID" => "WHATSAPP_PHONE_NUMBER_ID is not set: the id of the WhatsApp Business phone number.",
            _ => $"{variable} is not set.",
        }).ToList();

    /// <summary>Runs <paramref name="work"/> with the Graph API client; what Graph refuses or the network loses is one line on stderr.</summary>
    internal static async Task<int> WithGraphAsync(CliContext context, Func<WhatsAppGraphClient, Task<int>> work, CancellationToken ct)
    {
        var services = context.Services((collection, configuration) => collection.AddWhatsAppGraphClient(configuration));
        await using var scope = services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<WhatsAppGraphClient>();
        try
        {
            return await work(client);
        }
        catch (ApiException exception)
        {
            await context.Error.WriteLineAsync(GraphRefusal(exception));
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (Unanswered(exception, ct) is { } what)
        {
            await context.Error.WriteLineAsync($"error: the Graph API {what}.");
            return ExitCodes.Failed;
        }
    }

    /// <summary>What went wrong when Graph gave no answer to read (Refit wraps it in an ApiRequestException), else null.</summary>
    private static string? Unanswered(Exception exception, CancellationToken ct)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case TimeoutRejectedException:
                case OperationCanceledException when !ct.IsCancellationRequested:
                    return "timed out";
                case HttpRequestException http:
                    return $"could not be reached ({http.HttpRequestError}: {http.Message})";
                case JsonException:
                    return "answered something that is not its JSON";
            }
        }

        return null;
    }

    /// <summary>Graph's own code and message when it sent its <c>{"error":{…}}</c> envelope, else the HTTP status.</summary>
    internal static string GraphRefusal(ApiException exception)
    {
        var status = (int)exception.StatusCode;
        GraphError? error = null;
        if (!string.IsNullOrWhiteSpace(exception.Content))
        {
            try
            {
                error = JsonSerializer.Deserialize(exception.Content, GraphJsonContext.Default.GraphErrorEnvelope)?.Error;
            }
            catch (JsonException)
            {
            }
        }

        return error is { } graph
            ? $"error: the Graph API refused (HTTP {status}, code {graph.Code?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {graph.Message ?? "no message"}"
            : $"error: the Graph API refused (HTTP {status}).";
    }

    /// <summary>What keeps the read-back from being SIP enabled towards <paramref name="host"/>:<paramref name="port"/>.</summary>
    internal static IReadOnlyList<string> Differences(GraphPhoneNumberSettings settings, string host, int port)
    {
        var differences = new List<string>();
        var calling = settings.Calling;
        if (!string.Equals(calling?.Status, "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"calling status is {calling?.Status ?? "not set"}, expected ENABLED");
        }

        if (!string.Equals(calling?.Sip?.Status, "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"SIP status is {calling?.Sip?.Status ?? "not set"}, expected ENABLED");
        }

        var servers = calling?.Sip?.Servers ?? [];
        // One server per app; several mean several apps configured one (reference §3.2). Meta's default port is 5061.
        if (!servers.Any(server => string.Equals(server.Hostname, host, StringComparison.OrdinalIgnoreCase) && (server.Port ?? DefaultSipPort) == port))
        {
            var found = servers.Count == 0
                ? "none"
                : string.Join(", ", servers.Select(server => $"{server.Hostname ?? "(no host)"}:{server.Port?.ToString(CultureInfo.InvariantCulture) ?? "(no port)"}"));
            differences.Add($"SIP servers are {found}, expected {host}:{port}");
        }

        return differences;
    }

    /// <summary>Meta's documentation says SDES, its OpenAPI document SDES-SRTP (reference §3.2); anything else is worth a look.</summary>
    private static void WarnOnSrtpProtocol(CliContext context, GraphPhoneNumberSettings settings)
    {
        var protocol = settings.Calling?.SrtpKeyExchangeProtocol;
        if (!string.Equals(protocol, "SDES", StringComparison.OrdinalIgnoreCase) && !string.Equals(protocol, "SDES-SRTP", StringComparison.OrdinalIgnoreCase))
        {
            context.Error.WriteLine($"warning: srtp_key_exchange_protocol reads back as {protocol ?? "not set"}, not SDES or SDES-SRTP: SIP media may not be keyed the way the SIP server expects.");
        }
    }

    /// <summary>The settings as lines for an operator; the password masked.</summary>
    internal static string Describe(GraphPhoneNumberSettings settings)
    {
        var calling = settings.Calling;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"calling status: {calling?.Status ?? "not set"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"srtp key exchange protocol: {calling?.SrtpKeyExchangeProtocol ?? "not set"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"sip status: {calling?.Sip?.Status ?? "not set"}");
        var servers = calling?.Sip?.Servers ?? [];
        if (servers.Count == 0)
        {
            text.AppendLine("sip servers: none");
        }

        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"sip server {i + 1}:");
            text.AppendLine(CultureInfo.InvariantCulture, $"  hostname: {server.Hostname ?? "not set"}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  port: {server.Port?.ToString(CultureInfo.InvariantCulture) ?? "not set"}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  app id: {server.AppId?.ToString(CultureInfo.InvariantCulture) ?? "not set"}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  password: {MaskedPassword(server)}");
        }

        return text.ToString();
    }

    /// <summary>The settings as JSON, in Graph's names; the password replaced by whether it is set and its length.</summary>
    internal static string DescribeJson(GraphPhoneNumberSettings settings)
    {
        var calling = settings.Calling;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("calling");
            json.WriteString("status", calling?.Status);
            json.WriteString("srtp_key_exchange_protocol", calling?.SrtpKeyExchangeProtocol);
            json.WriteStartObject("sip");
            json.WriteString("status", calling?.Sip?.Status);
            json.WriteStartArray("servers");
            foreach (var server in calling?.Sip?.Servers ?? [])
            {
                json.WriteStartObject();
                json.WriteString("hostname", server.Hostname);
                WriteNumber(json, "port", server.Port);
                json.WriteString("app_id", server.AppId?.ToString(CultureInfo.InvariantCulture));
                json.WriteStartObject("password");
                json.WriteBoolean("set", !string.IsNullOrEmpty(server.UserPassword));
                WriteNumber(json, "length", server.UserPassword?.Length);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string MaskedPassword(GraphSipServer server) =>
        string.IsNullOrEmpty(server.UserPassword) ? "not set" : $"set ({server.UserPassword.Length} characters)";

    private static async Task WriteLinesAsync(TextWriter writer, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            await writer.WriteLineAsync(line);
        }
    }
}
