using System.Text;
using EasyMo.Application.Features.Calls.SummarizeCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// What the person who takes a transferred call reads first (a warm transfer), in the caller's language: the caller's
/// name when verified, the language, the service, the request so far and two lines of summary. A call without the
/// caller's consent gets a brief of its language and service only: nothing the caller said, nor who they are.
/// </summary>
public static class TransferBriefs
{
    /// <summary>Longest brief sent (WhatsApp takes 4096 characters; the outbox column too).</summary>
    public const int MaxLength = 1500;

    /// <summary>Longest request text (service, place, details) in a brief.</summary>
    private const int MaxRequestLength = 400;

    /// <summary>Longest line of the summary in a brief.</summary>
    private const int MaxSummaryLineLength = 240;

    /// <summary>The brief of a call whose caller consented: everything the issue lists, each part left out when unknown.</summary>
    public static string Consented(Language language, string? verifiedName, string? service, CallRequest? request, IReadOnlyList<string> summary)
    {
        var labels = Labels.Of(language);
        var text = new StringBuilder(labels.Title).Append('\n');
        text.Append(labels.Caller).Append(": ").Append(AgentInstructions.SanitizeName(verifiedName) ?? labels.NameUnknown).Append('\n');
        text.Append(labels.Language).Append(": ").Append(labels.LanguageName(language)).Append('\n');
        text.Append(labels.Service).Append(": ").Append(ServiceOrUnknown(request?.Service ?? service, labels)).Append('\n');
        if (request is not null)
        {
            var parts = new[] { request.Location, request.Details }.Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => SummaryText.Clean(part));
            text.Append(labels.Request).Append(": ").Append(Cut(string.Join(" — ", parts), MaxRequestLength)).Append('\n');
        }

        if (summary.Count > 0)
        {
            text.Append(labels.Summary).Append(":\n");
            foreach (var line in summary.Take(2))
            {
                text.Append(Cut(line, MaxSummaryLineLength)).Append('\n');
            }
        }

        return Cut(text.ToString().TrimEnd(), MaxLength);
    }

    /// <summary>The brief of a call without the caller's consent: language and service only, and why there is no more.</summary>
    public static string WithoutConsent(Language language, string? service)
    {
        var labels = Labels.Of(language);
        return $"{labels.Title}\n{labels.Language}: {labels.LanguageName(language)}\n{labels.Service}: {ServiceOrUnknown(service, labels)}\n{labels.NoConsent}";
    }

    /// <summary>
    /// The model's two lines, as they go into a brief: each cleaned (one line, numbers masked), empty ones dropped, at
    /// most two. A model that wrote one paragraph gives one line.
    /// </summary>
    public static IReadOnlyList<string> SummaryLines(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split('\n').Select(line => SummaryText.Clean(line.TrimStart('-', '*', '•', ' '))).Where(line => line.Length > 0).Take(2).ToArray();

    private static string ServiceOrUnknown(string? service, Labels labels) =>
        service is not null && EasyMoServices.IsKnown(service) ? service : labels.ServiceUnknown;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    private sealed record Labels(
        string Title,
        string Caller,
        string NameUnknown,
        string Language,
        string Service,
        string ServiceUnknown,
        string Request,
        string Summary,
        string NoConsent,
        string English,
        string French,
        string Kinyarwanda)
    {
        private static readonly Labels En = new(
            "EasyMO transfer: a caller is being put through to you.",
            "Caller", "name not verified",
            "Language", "Service", "not said",
            "Request", "Summary so far",
            "The caller did not agree that the conversation is kept: no details.",
            "English", "French", "Kinyarwanda");

        private static readonly Labels Fr = new(
            "Transfert EasyMO : un appelant vous est passé.",
            "Appelant", "nom non vérifié",
            "Langue", "Service", "non précisé",
            "Demande", "Résumé de l'appel",
            "L'appelant n'a pas accepté que la conversation soit conservée : aucun détail.",
            "anglais", "français", "kinyarwanda");

        private static readonly Labels Rw = new(
            "EasyMO: uguhamagaye arimo kohererezwa kuri wowe.",
            "Uhamagaye", "izina ntiryemejwe",
            "Ururimi", "Serivisi", "ntiyavuzwe",
            "Icyo asaba", "Incamake y'ikiganiro",
            "Uhamagaye ntiyemeye ko ikiganiro kibikwa: nta makuru arambuye.",
            "Icyongereza", "Igifaransa", "Ikinyarwanda");

        public static Labels Of(Domain.Common.Language language) => language.Code switch
        {
            "fr" => Fr,
            "rw" => Rw,
            _ => En,
        };

        public string LanguageName(Domain.Common.Language language) => language.Code switch
        {
            "fr" => French,
            "rw" => Kinyarwanda,
            _ => English,
        };
    }
}
