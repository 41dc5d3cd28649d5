using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace EasyMo.UnitTests.Calls;

/// <summary>The warm transfer's brief: its text per language and consent, the summary's lines, its key, its settings.</summary>
public sealed class TransferBriefsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_consent_the_brief_has_the_language_and_a_known_service_only()
    {
        TransferBriefs.WithoutConsent(Language.French, "rides").ShouldBe(
            "Transfert EasyMO : un appelant vous est passé.\nLangue: français\nService: rides\n"
            + "L'appelant n'a pas accepté que la conversation soit conservée : aucun détail.");
        TransferBriefs.WithoutConsent(Language.English, "anything the model made up").ShouldContain("Service: not said");
    }

    [Fact]
    public void A_consented_brief_cleans_what_it_quotes_and_masks_numbers()
    {
        var request = CallRequest.Record(Guid.NewGuid(), null, "rides", "Kimironko", "call me on +250788123456\nplease", Now);

        var text = TransferBriefs.Consented(Language.English, "Alice\nEvil", null, request, ["Wants a moto.", "Agreed 2000."]);

        text.ShouldStartWith("EasyMO transfer: a caller is being put through to you.\nCaller: ");
        text.ShouldContain("Language: English\nService: rides\nRequest: Kimironko — call me on ");
        text.ShouldNotContain("788123456");
        text.ShouldEndWith("Summary so far:\nWants a moto.\nAgreed 2000.");
        TransferBriefs.Consented(Language.English, null, null, null, []).ShouldContain("Caller: name not verified");
    }

    [Theory]
    [InlineData("Line one.\nLine two.\nLine three.", new[] { "Line one.", "Line two." })]
    [InlineData("- Line one.\n\n* Line two.", new[] { "Line one.", "Line two." })]
    [InlineData("Only one paragraph.", new[] { "Only one paragraph." })]
    [InlineData("  ", new string[0])]
    public void The_summary_gives_at_most_two_clean_lines(string text, string[] lines) =>
        TransferBriefs.SummaryLines(text).ShouldBe(lines);

    [Fact]
    public void A_brief_is_keyed_by_its_call_and_its_ordinal()
    {
        var callId = new OpenAiCallId("rtc_abc");
        var brief = OutboxMessage.TransferBrief(callId, 2, PhoneNumber.Parse("+250788555001"), Language.Kinyarwanda, " text ", Now);

        brief.DeduplicationKey.ShouldBe("transfer-brief:rtc_abc:2");
        brief.Recipient.ShouldBe("250788555001");
        brief.Body.ShouldBe("text");
        brief.Status.ShouldBe(OutboxStatus.Pending);
        Should.Throw<ArgumentOutOfRangeException>(() => OutboxMessage.TransferBrief(callId, 0, PhoneNumber.Parse("+250788555001"), Language.English, "x", Now));
    }

    [Fact]
    public void Start_up_refuses_a_transfer_contact_that_is_no_number_and_an_unusable_summary_wait()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Calls:TransferContacts:default"] = "+250788555001",
            ["Calls:TransferContacts:rw-phone"] = "desk",
            ["Calls:TransferBriefSummaryTimeout"] = "00:01:00",
        }).Build();

        var problems = StartupConfiguration.Validate(configuration, "Testing");

        problems.ShouldContain("Calls:TransferContacts:rw-phone must be a WhatsApp number in E.164 form, such as +250788123456.");
        problems.ShouldContain(line => line.StartsWith("Calls:TransferBriefSummaryTimeout", StringComparison.Ordinal));
        problems.ShouldNotContain(line => line.Contains("TransferContacts:default", StringComparison.Ordinal));
    }
}
