using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

public sealed class CallTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static Call Ringing() =>
        Call.Receive(new OpenAiCallId("rtc_1"), CallChannel.Phone, PhoneNumber.Parse("+250788123456"), " Jean ", PhoneNumber.Parse("+250788000111"), T0, trunk: "MTN Rwanda");

    [Fact]
    public void A_received_call_is_ringing()
    {
        var call = Ringing();

        call.Status.ShouldBe(CallStatus.Ringing);
        call.CallerName.ShouldBe("Jean");
        call.ReceivedAt.ShouldBe(T0);
        call.IsLive.ShouldBeFalse();
    }

    [Fact]
    public void A_call_needs_an_id() =>
        Should.Throw<DomainException>(() => Call.Receive(new OpenAiCallId(" "), CallChannel.Phone, null, null, null, T0));

    [Fact]
    public void Accepting_records_when_and_with_what()
    {
        var call = Ringing();

        call.Accept(T0.AddSeconds(1), "gpt-realtime", "alloy");

        call.Status.ShouldBe(CallStatus.Accepted);
        call.AcceptedAt.ShouldBe(T0.AddSeconds(1));
        call.Model.ShouldBe("gpt-realtime");
        call.IsLive.ShouldBeTrue();
    }

    [Fact]
    public void Ending_an_accepted_call_records_duration_and_reason_and_the_first_end_stands()
    {
        var call = Ringing();
        call.Accept(T0, "gpt-realtime", "alloy");

        call.End(T0.AddSeconds(95.4), CallEndReason.CallerHangup).ShouldBeTrue();
        call.End(T0.AddSeconds(500), CallEndReason.MaxDuration).ShouldBeFalse();

        call.Status.ShouldBe(CallStatus.Ended);
        call.DurationSeconds.ShouldBe(95);
        call.EndedAt.ShouldBe(T0.AddSeconds(95.4));
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
    }

    [Fact]
    public void An_end_reported_before_the_accept_counts_as_zero_seconds()
    {
        var call = Ringing();
        call.Accept(T0.AddSeconds(10), "gpt-realtime", "alloy");

        call.End(T0, CallEndReason.ConnectionLost);

        call.DurationSeconds.ShouldBe(0);
        call.EndedAt.ShouldBe(T0.AddSeconds(10));
    }

    [Fact]
    public void Refusals_record_the_SIP_status_and_reason()
    {
        var rejected = Ringing();
        rejected.Reject(T0, 603, CallEndReason.Blocked);
        var missed = Ringing();
        missed.Miss(T0);
        var failed = Ringing();
        failed.Fail(T0, 480);

        (rejected.Status, rejected.SipStatusCode, rejected.EndReason).ShouldBe((CallStatus.Rejected, (int?)603, (CallEndReason?)CallEndReason.Blocked));
        (missed.Status, missed.SipStatusCode, missed.EndReason).ShouldBe((CallStatus.Missed, (int?)null, (CallEndReason?)CallEndReason.CallerGone));
        (failed.Status, failed.SipStatusCode, failed.EndReason).ShouldBe((CallStatus.Failed, (int?)480, (CallEndReason?)CallEndReason.AcceptFailed));
        new[] { rejected, missed, failed }.ShouldAllBe(call => call.DecidedAt == T0);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(399)]
    [InlineData(700)]
    public void A_reject_needs_a_SIP_error_status(int status) =>
        Should.Throw<DomainException>(() => Ringing().Reject(T0, status, CallEndReason.Busy));

    [Fact]
    public void Illegal_transitions_are_impossible()
    {
        var ended = Ringing();
        ended.Accept(T0, "m", "v");
        ended.End(T0, CallEndReason.CallerHangup);
        var rejected = Ringing();
        rejected.Reject(T0, 486, CallEndReason.Busy);

        Should.Throw<DomainException>(() => Ringing().End(T0, CallEndReason.CallerHangup));
        Should.Throw<DomainException>(() => rejected.Accept(T0, "m", "v"));
        Should.Throw<DomainException>(() => rejected.End(T0, CallEndReason.CallerHangup));
        Should.Throw<DomainException>(() => ended.Accept(T0, "m", "v"));
        Should.Throw<DomainException>(() => ended.Miss(T0));
        Should.Throw<DomainException>(() => rejected.Fail(T0, 480));
        Should.Throw<DomainException>(() => ended.Identify(null, Language.French));
    }

    [Fact]
    public void Repeating_the_transition_a_call_made_changes_nothing()
    {
        var call = Ringing();
        call.Accept(T0, "gpt-realtime", "alloy");
        call.Accept(T0.AddSeconds(5), "other", "other");
        var missed = Ringing();
        missed.Miss(T0);
        missed.Miss(T0.AddSeconds(5));

        call.AcceptedAt.ShouldBe(T0);
        call.Model.ShouldBe("gpt-realtime");
        missed.DecidedAt.ShouldBe(T0);
    }

    [Fact]
    public void A_summary_records_when_it_was_settled_stored_or_given_up()
    {
        var stored = Ringing();
        stored.Accept(T0, "gpt-realtime", "marin");
        stored.End(T0.AddMinutes(1), CallEndReason.CallerHangup);
        stored.SummarySettledAt.ShouldBeNull();
        stored.RecordSummary("Asked for a ride.", T0.AddMinutes(2));
        stored.SummarySettledAt.ShouldBe(T0.AddMinutes(2));

        var abandoned = Ringing();
        abandoned.Accept(T0, "gpt-realtime", "marin");
        abandoned.End(T0.AddMinutes(1), CallEndReason.CallerHangup);
        abandoned.SummaryAttemptFailed(T0.AddMinutes(2), TimeSpan.FromMinutes(1), maxAttempts: 2);
        abandoned.SummarySettledAt.ShouldBeNull();
        abandoned.SummaryAttemptFailed(T0.AddMinutes(3), TimeSpan.FromMinutes(1), maxAttempts: 2);
        abandoned.SummarySettledAt.ShouldBe(T0.AddMinutes(3));
    }
}
