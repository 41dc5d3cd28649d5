using System.CommandLine;
using EasyMo.Application.Features.Calls;
using EasyMo.Operator.SipEdge;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>sip-edge …</c>: the Kamailio edge between Meta (and carrier trunks) and OpenAI's SIP ingress
/// (<c>deploy/sip-edge/</c>, <c>docs/setup-whatsapp-calls.md</c>).
/// </summary>
public static class SipEdgeCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory to write kamailio.cfg, tls.cfg and easymo-sip-edge.nft into (created if missing; the files are readable by their owner only).",
            DefaultValueFactory = _ => new DirectoryInfo("sip-edge"),
        };
        var fetch = new Option<bool>("--fetch-credentials")
        {
            Description = "Take the digest password Meta generated for the business number from the Graph API "
                + "(settings?include_sip_credentials=true of WHATSAPP_PHONE_NUMBER_ID) for the one entry of SipEdge:WhatsAppNumbers without a password.",
        };
        var render = new Command("render", "Write the SIP edge's Kamailio configuration and its firewall from the settings (SipEdge:*, OPENAI_PROJECT_ID, SIP_EDGE_ATTESTATION_KEY).") { output, fetch };
        render.SetAction((result, ct) => RenderAsync(context, result.GetValue(output)!, result.GetValue(fetch), ct));

        return new Command("sip-edge", "The Kamailio SIP edge that brings WhatsApp and carrier calls to OpenAI.") { render };
    }

    private static async Task<int> RenderAsync(CliContext context, DirectoryInfo output, bool fetchCredentials, CancellationToken ct)
    {
        var options = new SipEdgeOptions();
        context.Configuration.GetSection(SipEdgeOptions.SectionName).Bind(options);
        var projectId = context.Configuration["OpenAI:ProjectId"];
        var attestationKey = context.Configuration[CallerIdentityOptions.AttestationKeyKey]; // SIP_EDGE_ATTESTATION_KEY, shared with the service

        if (fetchCredentials)
        {
            var missing = options.WhatsAppNumbers.Where(number => string.IsNullOrEmpty(number.Password)).ToList();
            if (missing.Count != 1)
            {
                await context.Error.WriteLineAsync(missing.Count == 0
                    ? "--fetch-credentials: every entry of SipEdge:WhatsAppNumbers already has a password."
                    : "--fetch-credentials: only one number's password can be fetched (the one of WHATSAPP_PHONE_NUMBER_ID); set the others' in SipEdge:WhatsAppNumbers:N:Password.");
                return ExitCodes.Usage;
            }

            if (WhatsAppCommands.MissingConfiguration(context) is { Count: > 0 } unset)
            {
                foreach (var line in unset)
                {
                    await context.Error.WriteLineAsync(line);
                }

                return ExitCodes.Usage;
            }

            var fetched = await WhatsAppCommands.WithGraphAsync(context, async client =>
            {
                var settings = await client.GetSettingsAsync(includeSipCredentials: true, ct);
                var servers = settings.Calling?.Sip?.Servers ?? [];
                var server = servers.FirstOrDefault(candidate => string.Equals(candidate.Hostname, options.Host, StringComparison.OrdinalIgnoreCase))
                    ?? (servers.Count == 1 ? servers[0] : null);
                if (server?.UserPassword is not { Length: > 0 } password)
                {
                    await context.Error.WriteLineAsync(
                        $"--fetch-credentials: the number's SIP settings name no server {options.Host} with a password; run `whatsapp configure-sip --host {options.Host}` first.");
                    return ExitCodes.Failed;
                }

                missing[0].Password = password;
                return ExitCodes.Ok;
            }, ct);
            if (fetched != ExitCodes.Ok)
            {
                return fetched;
            }
        }

        var problems = KamailioConfig.Problems(options, projectId, attestationKey);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync(problem);
            }

            return ExitCodes.Usage;
        }

        var files = KamailioConfig.Render(options, projectId, attestationKey, $"Rendered {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        output.Create();
        var kamailioCfg = Path.Combine(output.FullName, KamailioFiles.KamailioCfgName);
        var tlsCfg = Path.Combine(output.FullName, KamailioFiles.TlsCfgName);
        var firewall = Path.Combine(output.FullName, KamailioFiles.FirewallName);
        await WriteOwnerOnlyAsync(kamailioCfg, files.KamailioCfg, ct);
        await WriteOwnerOnlyAsync(tlsCfg, files.TlsCfg, ct);
        await WriteOwnerOnlyAsync(firewall, files.Firewall, ct);

        await context.Out.WriteLineAsync($"wrote {kamailioCfg}");
        await context.Out.WriteLineAsync($"wrote {tlsCfg}");
        await context.Out.WriteLineAsync($"wrote {firewall}");
        await context.Out.WriteLineAsync(
            $"{options.WhatsAppNumbers.Count} WhatsApp number(s), {options.Trunks.Count} trunk(s); calls go to sip:{projectId}@{options.OpenAiHost};transport=tls.");
        await context.Out.WriteLineAsync($"check it with: kamailio -c -f {kamailioCfg}");
        return ExitCodes.Ok;
    }

    /// <summary>The configuration holds Meta's digest passwords: on Unix it is created readable by its owner only.</summary>
    private static async Task WriteOwnerOnlyAsync(string path, string content, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), ct);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an existing file keeps its mode otherwise
        }
    }
}
