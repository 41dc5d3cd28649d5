using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.Extensions.Options;

namespace EasyMo.UnitTests.Privacy;

/// <summary>The domain's privacy rules: consent on calls and profiles, what it governs, pseudonyms.</summary>
public sealed class ConsentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly PhoneNumber Caller = PhoneNumber.Parse("+250788123456");

    private static Call AcceptedCall()
    {
        var call = Call.Receive(new OpenAiCallId("rtc_1"), CallChannel.Phone, Caller, "Aline", null, Now);
        call.Accept(Now, "gpt-realtime", "marin");
        return call;
    }

    [Fact]
    public void A_new_call_is_not_asked_and_keeps_no_content()
    {
        var call = AcceptedCall();

        call.Consent.ShouldBe(Consent.NotAsked);
        call.KeepsContent.ShouldBeFalse();
    }

    [Fact]
    public void An_ended_call_without_consent_has_no_summary_due()
    {
        var call = AcceptedCall();

        call.End(Now.AddMinutes(2), CallEndReason.CallerHangup);

        call.SummaryStatus.ShouldBe(SummaryStatus.NotKept);
        call.SummaryDueAt.ShouldBeNull();
    }

    [Fact]
    public void An_ended_call_with_consent_has_its_summary_due()
    {
        var call = AcceptedCall();
        call.RecordConsent(granted: true, Now.AddSeconds(10)).ShouldBeTrue();

        call.End(Now.AddMinutes(2), CallEndReason.CallerHangup);

        call.SummaryStatus.ShouldBe(SummaryStatus.Pending);
        call.KeepsContent.ShouldBeTrue();
    }

    [Fact]
    public void The_latest_answer_stands_and_repeating_it_changes_nothing()
    {
        var call = AcceptedCall();

        call.RecordConsent(true, Now).ShouldBeTrue();
        call.RecordConsent(true, Now.AddSeconds(1)).ShouldBeFalse();
        call.RecordConsent(false, Now.AddSeconds(2)).ShouldBeTrue();

        call.Consent.ShouldBe(Consent.Denied);
        call.ConsentAt.ShouldBe(Now.AddSeconds(2));
    }

    [Fact]
    public void Consent_is_recorded_only_on_a_live_call_and_remembered_only_while_ringing()
    {
        var ringing = Call.Receive(new OpenAiCallId("rtc_2"), CallChannel.Phone, Caller, null, null, Now);
        Should.Throw<DomainException>(() => ringing.RecordConsent(true, Now));
        ringing.ApplyRememberedConsent(Consent.Granted, Now);
        ringing.Consent.ShouldBe(Consent.Granted);

        var live = AcceptedCall();
        Should.Throw<DomainException>(() => live.ApplyRememberedConsent(Consent.Granted, Now));
    }

    [Theory]
    [InlineData(10, Consent.Granted)]
    [InlineData(179, Consent.Granted)]
    [InlineData(181, Consent.NotAsked)]
    public void A_profiles_answer_applies_within_the_reask_interval(int daysAgo, Consent expected)
    {
        var profile = Profile.Create(Caller, null, null, null, Now.AddDays(-400));
        profile.RememberConsent(granted: true, Now.AddDays(-daysAgo));

        profile.ConsentAsOf(Now, TimeSpan.FromDays(180)).ShouldBe(expected);
    }

    [Fact]
    public void A_profile_never_asked_is_not_asked_yet()
    {
        var profile = Profile.Create(Caller, null, null, null, Now);

        profile.ConsentAsOf(Now, TimeSpan.FromDays(180)).ShouldBe(Consent.NotAsked);
    }

    [Fact]
    public void Pseudonymising_a_call_removes_the_number_name_and_profile_and_keeps_the_metadata()
    {
        var call = AcceptedCall();
        call.End(Now.AddMinutes(2), CallEndReason.CallerHangup);

        call.Pseudonymise("psn_abc");
        call.Pseudonymise("psn_other");

        (call.Caller, call.CallerName, call.ProfileId, call.CallerPseudonym).ShouldBe((null, null, null, "psn_abc"));
        (call.Status, call.DurationSeconds, call.Channel).ShouldBe((CallStatus.Ended, 120, CallChannel.Phone));
    }

    [Fact]
    public void A_call_tied_to_the_person_only_by_their_profile_keeps_their_pseudonym_and_one_tied_to_nobody_none()
    {
        var byProfile = Call.Receive(new OpenAiCallId("rtc_p"), CallChannel.Phone, null, null, null, Now);
        byProfile.Identify(Guid.NewGuid(), EasyMo.Domain.Common.Language.English);
        var anonymous = Call.Receive(new OpenAiCallId("rtc_a"), CallChannel.Phone, null, null, null, Now);

        byProfile.Pseudonymise("psn_abc");
        anonymous.Pseudonymise("psn_abc");

        (byProfile.CallerPseudonym, byProfile.ProfileId).ShouldBe(("psn_abc", null));
        anonymous.CallerPseudonym.ShouldBeNull();
    }

    [Fact]
    public void Pseudonymising_a_WhatsApp_call_removes_the_users_ids()
    {
        var call = WhatsAppCall.FromConnect("wacid.1", new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, new WaId(Caller.Digits), Caller, "1065"), Now, Now);

        call.Pseudonymise("psn_abc");

        (call.UserWaId, call.UserPhone, call.UserPseudonym).ShouldBe((null, null, "psn_abc"));
    }

    [Fact]
    public void A_recording_reference_needs_a_known_kind()
    {
        Should.Throw<DomainException>(() => CallRecording.Keep("wacid.1", "video", null, "{}", Now));
        CallRecording.Keep("wacid.1", "transcription", null, "{}", Now).Kind.ShouldBe("transcription");
    }

    [Fact]
    public void Pseudonyms_are_stable_keyed_one_way_and_the_same_for_a_number_and_its_wa_id()
    {
        var pseudonyms = new Pseudonymizer(Options.Create(new PrivacyOptions { PseudonymKey = new string('k', 32) }));
        var otherKey = new Pseudonymizer(Options.Create(new PrivacyOptions { PseudonymKey = new string('j', 32) }));

        var pseudonym = pseudonyms.For(Caller);

        pseudonym.ShouldStartWith("psn_");
        pseudonym.Length.ShouldBe(Pseudonymizer.Length);
        pseudonyms.For(Caller).ShouldBe(pseudonym);
        pseudonyms.For(Caller.Digits).ShouldBe(pseudonym);
        otherKey.For(Caller).ShouldNotBe(pseudonym);
        pseudonyms.For(PhoneNumber.Parse("+250788123457")).ShouldNotBe(pseudonym);
        pseudonym.ShouldNotContain("788123456");
    }

    [Fact]
    public void Pseudonyms_need_a_key_of_32_characters()
    {
        var pseudonyms = new Pseudonymizer(Options.Create(new PrivacyOptions { PseudonymKey = "short" }));

        pseudonyms.IsConfigured.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => pseudonyms.For(Caller));
        new PrivacyOptions { PseudonymKey = "short" }.Problems().ShouldNotBeEmpty();
        new PrivacyOptions().Problems().ShouldBeEmpty();
        new PrivacyOptions { PseudonymiseAfter = TimeSpan.FromDays(30) }.Problems().ShouldNotBeEmpty();
    }
}

public sealed class ConsentReplyTests
{
    [Theory]
    [InlineData("yes", true)]
    [InlineData(" Yego. ", true)]
    [InlineData("OUI!", true)]
    [InlineData("1", true)]
    [InlineData("no", false)]
    [InlineData("Non", false)]
    [InlineData("oya", false)]
    [InlineData("2", false)]
    [InlineData("yes please, a moto", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Only_a_clear_yes_or_no_is_an_answer(string? text, bool? expected) => ConsentReply.Parse(text).ShouldBe(expected);

    [Fact]
    public void The_question_is_asked_in_every_language()
    {
        foreach (var language in Language.All)
        {
            ConsentReply.Question(language).ShouldNotBeNullOrWhiteSpace();
        }

        ConsentReply.Question(Language.French).ShouldContain("OUI");
        ConsentReply.Question(Language.Kinyarwanda).ShouldContain("YEGO");
    }
}
