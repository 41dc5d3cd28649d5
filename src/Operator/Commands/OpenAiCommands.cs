using System.CommandLine;
using System.Text.RegularExpressions;

namespace EasyMo.Operator.Commands;

/// <summary><c>openai …</c>: what an operator needs from the OpenAI project.</summary>
public static partial class OpenAiCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sipUri = new Command("sip-uri", "Print the SIP URI of the OpenAI project (OPENAI_PROJECT_ID), to give a carrier trunk as its destination.");
        sipUri.SetAction((_, _) => PrintSipUriAsync(context));

        return new Command("openai", "OpenAI project commands.") { sipUri };
    }

    /// <summary><c>sip:{project}@sip.api.openai.com;transport=tls</c>, or null when the id is not a project id.</summary>
    public static string? SipUri(string? projectId) =>
        projectId is not null && ProjectId().IsMatch(projectId) ? $"sip:{projectId}@sip.api.openai.com;transport=tls" : null;

    private static async Task<int> PrintSipUriAsync(CliContext context)
    {
        var projectId = context.Configuration["OpenAI:ProjectId"];
        if (string.IsNullOrWhiteSpace(projectId))
        {
            await context.Error.WriteLineAsync("OPENAI_PROJECT_ID is not set: the OpenAI project id (proj_…) from the project's settings.");
            return ExitCodes.Usage;
        }

        // The value is not echoed: a misplaced secret (an API key pasted here) must not reach a terminal log.
        if (SipUri(projectId.Trim()) is not { } uri)
        {
            await context.Error.WriteLineAsync("OPENAI_PROJECT_ID is not a project id: expected proj_ followed by letters, digits, '_' or '-'.");
            return ExitCodes.Usage;
        }

        await context.Out.WriteLineAsync(uri);
        return ExitCodes.Ok;
    }

    [GeneratedRegex("^proj_[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectId();
}
