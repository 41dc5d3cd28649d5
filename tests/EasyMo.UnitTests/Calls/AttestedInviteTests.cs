using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Calls;

/// <summary>Review L4: the channel and Meta's call id follow the edge's admission, not headers anyone can send.</summary>
public sealed class AttestedInviteTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static IncomingInvite WhatsAppLooking() => IncomingInvite.Parse(
    [
        new SipHeader("From", "<sip:+250788000001@WA.META.VC>;tag=1"),
        new SipHeader("To", "<sip:+250788000111@sip.api.openai.com>"),
        new SipHeader("x-wa-meta-wacid", "wacid.ABC"),
    ], "250");

    [Fact]
    public void Headers_alone_still_parse_as_WhatsApp_for_the_trust_policy()
    {
        var invite = WhatsAppLooking();
        (invite.Channel, invite.WhatsAppCallId).ShouldBe((CallChannel.WhatsApp, "wacid.ABC"));
    }

    [Fact]
    public void Unattested_is_a_phone_call_with_no_WhatsApp_call_id_but_keeps_the_claimed_number()
    {
        var invite = WhatsAppLooking().AsPhoneCall();
        (invite.Channel, invite.WhatsAppCallId).ShouldBe((CallChannel.Phone, (string?)null));
        invite.Caller.ShouldBe(PhoneNumber.Parse("+250788000001"));
    }

    [Fact]
    public void A_whatsapp_admission_keeps_Metas_call_id_and_a_trunk_admission_drops_it()
    {
        var viaMeta = WhatsAppLooking().Admitted(new EdgeAdmission("whatsapp", At));
        (viaMeta.Channel, viaMeta.WhatsAppCallId).ShouldBe((CallChannel.WhatsApp, "wacid.ABC"));

        var viaTrunk = WhatsAppLooking().Admitted(new EdgeAdmission("mtn-rw", At));
        (viaTrunk.Channel, viaTrunk.WhatsAppCallId).ShouldBe((CallChannel.Phone, (string?)null));

        var plain = IncomingInvite.Parse([new SipHeader("From", "<sip:+250788000001@10.0.0.1>")], "250").Admitted(new EdgeAdmission("whatsapp", At));
        plain.Channel.ShouldBe(CallChannel.WhatsApp);
    }

    [Fact]
    public void A_call_is_unverified_unless_received_as_verified()
    {
        Call.Receive(new OpenAiCallId("rtc_1"), CallChannel.Phone, null, null, null, At).Identity.ShouldBe(CallerIdentity.Unverified);
        Call.Receive(new OpenAiCallId("rtc_2"), CallChannel.Phone, null, null, null, At, identity: CallerIdentity.Verified).Identity.ShouldBe(CallerIdentity.Verified);
    }
}
