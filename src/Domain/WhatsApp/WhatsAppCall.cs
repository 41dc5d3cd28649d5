using EasyMo.Domain.Common;

namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// A call on the WhatsApp Business number, as Meta's <c>calls</c> webhooks describe it (<c>connect</c>, call
/// <c>statuses</c>, <c>terminate</c>), one record per WhatsApp call id. Events may come in any order and more than once:
/// what one event tells is kept unless an earlier one told it first, and the status only moves forward.
/// The SDP of a <c>connect</c> is never part of it. When the call also reached OpenAI over SIP, <see cref="CallId"/>
/// links the OpenAI call whose <c>x-wa-meta-wacid</c> is this call's id.
/// </summary>
public sealed class WhatsAppCall
{
    public const int MaxTerminationStatusLength = 32;

    private WhatsAppCall()
    {
        // For EF Core.
        WhatsAppCallId = string.Empty;
        ErrorCodes = [];
    }

    private WhatsAppCall(string whatsAppCallId, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(whatsAppCallId))
        {
            throw new DomainException("A WhatsApp call needs WhatsApp's call id.");
        }

        Id = Guid.CreateVersion7(now);
        WhatsAppCallId = whatsAppCallId;
        ErrorCodes = [];
        CreatedAt = now;
        UpdatedAt = now;

        // The first event applied right after (see the factories) sets the real status: Connected is the lowest rank.
        Status = WhatsAppCallStatus.Connected;
    }

    public Guid Id { get; private set; }

    /// <summary>WhatsApp's call id (<c>wacid.…</c>); unique.</summary>
    public string WhatsAppCallId { get; private set; }

    /// <summary>What a keyed WhatsApp id starts with (WhatsApp's own start with <c>wacid.</c> or <c>wamid.</c>).</summary>
    public const string KeyedIdPrefix = "k_";

    public WhatsAppCallDirection? Direction { get; private set; }

    public WhatsAppCallStatus Status { get; private set; }

    /// <summary>The WhatsApp user's id (<c>wa_id</c>, digits): the caller of a user-initiated call.</summary>
    public WaId? UserWaId { get; private set; }

    /// <summary>The WhatsApp user's number, when their <c>wa_id</c> is one.</summary>
    public PhoneNumber? UserPhone { get; private set; }

    /// <summary>The business number's id (<c>metadata.phone_number_id</c>).</summary>
    public string? BusinessPhoneNumberId { get; private set; }

    /// <summary>The WhatsApp user's profile.</summary>
    public Guid? ProfileId { get; private set; }

    /// <summary>The OpenAI call (<c>calls.id</c>) of the same conversation, once both are known.</summary>
    public Guid? CallId { get; private set; }

    /// <summary>When the <c>connect</c> event happened (its <c>timestamp</c>).</summary>
    public DateTimeOffset? ConnectedAt { get; private set; }

    /// <summary>When the <c>terminate</c> event happened (its <c>timestamp</c>).</summary>
    public DateTimeOffset? TerminatedAt { get; private set; }

    /// <summary>When the call was picked up (<c>start_time</c> of the terminate), if it was.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the picked-up call ended (<c>end_time</c> of the terminate).</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Talk time in seconds (<c>duration</c> of the terminate), if the call was picked up.</summary>
    public int? DurationSeconds { get; private set; }

    /// <summary>Meta's status of the terminate, as sent: <c>COMPLETED</c>, <c>FAILED</c>, or a value not known yet.</summary>
    public string? TerminationStatus { get; private set; }

    /// <summary>Meta's error codes of the terminate (<c>errors[].code</c>, such as 138021); empty when none.</summary>
    public int[] ErrorCodes { get; private set; }

    /// <summary>The one-way pseudonym that replaced the user's number and <c>wa_id</c>, once pseudonymised.</summary>
    public string? UserPseudonym { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsTerminated => Status == WhatsAppCallStatus.Terminated;

    public static WhatsAppCall FromConnect(string whatsAppCallId, WhatsAppCallParties parties, DateTimeOffset connectedAt, DateTimeOffset now)
    {
        var call = new WhatsAppCall(whatsAppCallId, now);
        call.RecordConnect(parties, connectedAt, now);
        return call;
    }

    public static WhatsAppCall FromStatus(string whatsAppCallId, WhatsAppCallStatus status, WhatsAppCallParties parties, DateTimeOffset now)
    {
        var call = new WhatsAppCall(whatsAppCallId, now);
        call.RecordStatus(status, parties, now);
        return call;
    }

    public static WhatsAppCall FromTermination(string whatsAppCallId, WhatsAppCallParties parties, WhatsAppCallTermination termination, DateTimeOffset now)
    {
        var call = new WhatsAppCall(whatsAppCallId, now);
        call.RecordTermination(parties, termination, now);
        return call;
    }

    /// <summary>A <c>connect</c>: the call is being set up (a user calling in, or the user's side of an outgoing call).</summary>
    public void RecordConnect(WhatsAppCallParties parties, DateTimeOffset connectedAt, DateTimeOffset now)
    {
        Identify(parties, now);
        if (ConnectedAt is null)
        {
            ConnectedAt = connectedAt;
            Touch(now);
        }

        Advance(WhatsAppCallStatus.Connected, now);
    }

    /// <summary>A call status (<c>RINGING</c>, <c>ACCEPTED</c>, <c>REJECTED</c>): Meta sends them for business-initiated calls.</summary>
    public void RecordStatus(WhatsAppCallStatus status, WhatsAppCallParties parties, DateTimeOffset now)
    {
        if (status is not (WhatsAppCallStatus.Ringing or WhatsAppCallStatus.Accepted or WhatsAppCallStatus.Rejected))
        {
            throw new DomainException($"{status} is not a call status Meta reports.");
        }

        Identify(parties with { Direction = parties.Direction ?? WhatsAppCallDirection.BusinessInitiated }, now);
        Advance(status, now);
    }

    /// <summary>A <c>terminate</c>: the call is over. The first terminate stands; it may come before anything else.</summary>
    public void RecordTermination(WhatsAppCallParties parties, WhatsAppCallTermination termination, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(termination.Status) || termination.Status.Length > MaxTerminationStatusLength)
        {
            throw new DomainException($"A terminate needs Meta's status (at most {MaxTerminationStatusLength} characters).");
        }

        if (termination.DurationSeconds is < 0)
        {
            throw new DomainException("A call's duration cannot be negative.");
        }

        Identify(parties, now);
        if (TerminatedAt is null)
        {
            TerminatedAt = termination.At;
            TerminationStatus = termination.Status.Trim().ToUpperInvariant();
            StartedAt = termination.StartedAt;
            EndedAt = termination.EndedAt;
            DurationSeconds = termination.DurationSeconds;
            ErrorCodes = termination.ErrorCodes.Distinct().ToArray();
            Touch(now);
        }

        Advance(WhatsAppCallStatus.Terminated, now);
    }

    /// <summary>Links the WhatsApp user's profile; the first link stands.</summary>
    public void LinkProfile(Guid profileId, DateTimeOffset now)
    {
        if (ProfileId is null)
        {
            ProfileId = profileId;
            Touch(now);
        }
    }

    /// <summary>Replaces the user's number and <c>wa_id</c> with a one-way pseudonym; the call's metadata stays.</summary>
    /// <param name="pseudonym">The number's pseudonym.</param>
    /// <param name="keyId">
    /// Keys WhatsApp's call id, which embeds the user's number (<c>wacid.HBgL…</c> decodes to it): the row keeps a form
    /// that still matches the call's other rows and decodes to nothing. Null: the id is kept as it is.
    /// </param>
    public void Pseudonymise(string pseudonym, Func<string, string>? keyId = null)
    {
        if (string.IsNullOrWhiteSpace(pseudonym))
        {
            throw new DomainException("A pseudonym cannot be empty.");
        }

        if (keyId is not null && !WhatsAppCallId.StartsWith(KeyedIdPrefix, StringComparison.Ordinal))
        {
            WhatsAppCallId = keyId(WhatsAppCallId);
        }

        UserPseudonym ??= UserWaId is null && UserPhone is null && ProfileId is null ? null : pseudonym;
        UserWaId = null;
        UserPhone = null;
        ProfileId = null;
    }

    private void Identify(WhatsAppCallParties parties, DateTimeOffset now)
    {
        var changed = false;
        if (Direction is null && parties.Direction is { } direction)
        {
            Direction = direction;
            changed = true;
        }

        if (UserWaId is null && parties.UserWaId is not null)
        {
            UserWaId = parties.UserWaId;
            UserPhone ??= parties.UserPhone;
            changed = true;
        }

        if (BusinessPhoneNumberId is null && !string.IsNullOrWhiteSpace(parties.BusinessPhoneNumberId))
        {
            BusinessPhoneNumberId = parties.BusinessPhoneNumberId;
            changed = true;
        }

        if (changed)
        {
            Touch(now);
        }
    }

    private void Advance(WhatsAppCallStatus status, DateTimeOffset now)
    {
        if (Rank(status) > Rank(Status))
        {
            Status = status;
            Touch(now);
        }
    }

    private static int Rank(WhatsAppCallStatus status) => status switch
    {
        WhatsAppCallStatus.Connected => 0,
        WhatsAppCallStatus.Ringing => 1,
        WhatsAppCallStatus.Accepted or WhatsAppCallStatus.Rejected => 2,
        _ => 3,
    };

    private void Touch(DateTimeOffset now)
    {
        if (now > UpdatedAt)
        {
            UpdatedAt = now;
        }
    }
}
