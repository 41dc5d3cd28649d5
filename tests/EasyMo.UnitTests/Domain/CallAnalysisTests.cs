using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

public sealed class CallAnalysisTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static readonly CallAnalysis Pharmacy = new("pharmacy", CallOutcome.Resolved, CallerSentiment.Positive, SpokenLanguage.Rw, Misunderstood: false, Repeated: true);

    private static Call Ended(bool consented)
    {
        var call = Call.Receive(new OpenAiCallId("rtc_1"), CallChannel.Phone, PhoneNumber.Parse("+250788123456"), null, null, T0);
        call.Accept(T0, "gpt-realtime", "marin");
        if (consented)
        {
            call.RecordConsent(granted: true, T0.AddSeconds(5));
        }

        call.End(T0.AddMinutes(1), CallEndReason.CallerHangup);
        return call;
    }

    [Fact]
    public void An_ended_consented_call_has_its_analysis_due_with_its_summary_and_one_without_consent_none()
    {
        var consented = Ended(consented: true);
        consented.AnalysisStatus.ShouldBe(AnalysisStatus.Pending);
        consented.AnalysisDueAt.ShouldBe(consented.SummaryDueAt);
        consented.AnalysisDueAt.ShouldBe(T0.AddMinutes(1));

        var unconsented = Ended(consented: false);
        unconsented.AnalysisStatus.ShouldBe(AnalysisStatus.NotKept);
        unconsented.AnalysisDueAt.ShouldBeNull();
    }

    [Fact]
    public void A_stored_analysis_is_the_calls_columns_and_settles_it()
    {
        var call = Ended(consented: true);

        call.RecordAnalysis(Pharmacy, T0.AddMinutes(2));

        call.Analysis.ShouldBe(Pharmacy);
        (call.AnalysisService, call.AnalysisOutcome, call.AnalysisSentiment, call.AnalysisLanguage).ShouldBe(
            ("pharmacy", CallOutcome.Resolved, CallerSentiment.Positive, SpokenLanguage.Rw));
        call.AnalysisRepeated.ShouldBe(true);
        call.AnalysisStatus.ShouldBe(AnalysisStatus.Done);
        call.AnalysisDueAt.ShouldBeNull();
        call.AnalysisSettledAt.ShouldBe(T0.AddMinutes(2));
        call.SummaryStatus.ShouldBe(SummaryStatus.Pending); // the summary is its own
    }

    [Fact]
    public void Failed_attempts_are_retried_then_given_up_after_max_attempts()
    {
        var call = Ended(consented: true);

        call.AnalysisAttemptFailed(T0.AddMinutes(2), TimeSpan.FromMinutes(1), maxAttempts: 2);
        call.AnalysisStatus.ShouldBe(AnalysisStatus.Pending);
        call.AnalysisDueAt.ShouldBe(T0.AddMinutes(3));
        call.AnalysisSettledAt.ShouldBeNull();

        call.AnalysisAttemptFailed(T0.AddMinutes(3), TimeSpan.FromMinutes(2), maxAttempts: 2);
        call.AnalysisStatus.ShouldBe(AnalysisStatus.Failed);
        call.AnalysisAttempts.ShouldBe(2);
        call.AnalysisDueAt.ShouldBeNull();
        call.AnalysisSettledAt.ShouldBe(T0.AddMinutes(3));
        call.SummaryAttempts.ShouldBe(0);
    }

    [Fact]
    public void Forgetting_the_content_clears_a_stored_analysis_and_stops_a_pending_one()
    {
        var stored = Ended(consented: true);
        stored.RecordAnalysis(Pharmacy, T0.AddMinutes(2));
        stored.ForgetContent();
        stored.Analysis.ShouldBeNull();
        stored.AnalysisRepeated.ShouldBeNull();
        stored.AnalysisStatus.ShouldBe(AnalysisStatus.Done);

        var pending = Ended(consented: true);
        pending.ForgetContent();
        pending.AnalysisStatus.ShouldBe(AnalysisStatus.NotKept);
        pending.AnalysisDueAt.ShouldBeNull();
    }

    [Fact]
    public void An_analysis_of_a_call_not_ended_or_of_an_unknown_service_is_refused()
    {
        var live = Call.Receive(new OpenAiCallId("rtc_2"), CallChannel.Phone, null, null, null, T0);
        live.Accept(T0, "gpt-realtime", "marin");
        Should.Throw<DomainException>(() => live.RecordAnalysis(Pharmacy, T0));
        Should.Throw<DomainException>(() => Ended(consented: true).RecordAnalysis(Pharmacy with { Service = "taxi" }, T0));
    }

    [Theory]
    [InlineData("rides", "follow_up", "neutral", "fr", true)]
    [InlineData("other", "not_resolved", "negative", "other", true)]
    [InlineData("taxi", "resolved", "neutral", "rw", false)]
    [InlineData("rides", "Resolved", "neutral", "rw", false)] // exactly as the schema spells it
    [InlineData("rides", "followup", "neutral", "rw", false)]
    [InlineData("rides", "resolved", "angry", "rw", false)]
    [InlineData("rides", "resolved", "neutral", "sw", false)]
    [InlineData(null, "resolved", "neutral", "rw", false)]
    [InlineData("rides", "resolved", null, "rw", false)]
    public void The_models_names_must_be_in_the_closed_sets(string? service, string? outcome, string? sentiment, string? language, bool known) =>
        (CallAnalysis.FromNames(service, outcome, sentiment, language, misunderstood: false, repeated: false) is not null).ShouldBe(known);

    [Fact]
    public void The_closed_sets_are_spelt_as_the_api_and_the_columns_spell_them()
    {
        CallAnalysis.Outcomes.ShouldBe(["resolved", "follow_up", "not_resolved"]);
        CallAnalysis.Sentiments.ShouldBe(["positive", "neutral", "negative"]);
        CallAnalysis.Languages.ShouldBe(["en", "fr", "rw", "other"]);
        EasyMoServices.All.ShouldContain("pharmacy");
        EasyMoServices.All.ShouldContain("other");
    }
}
