using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;

namespace EasyMo.UnitTests.Calls;

public sealed class SipParsingTests
{
    [Theory]
    [InlineData("sip:+142555512112@sip.example.com", null, "sip", "+142555512112", "sip.example.com")]
    [InlineData("\"Jean Claude\" <sip:+250788123456@trunk.mtn.rw;user=phone>;tag=1928301774", "Jean Claude", "sip", "+250788123456", "trunk.mtn.rw")]
    [InlineData("Aline <sips:250788123456@10.0.0.1:5061;transport=tls>", "Aline", "sips", "250788123456", "10.0.0.1")]
    [InlineData("<tel:+250788123456;phone-context=+250>", null, "tel", "+250788123456", null)]
    [InlineData("tel:+250-788-123-456", null, "tel", "+250-788-123-456", null)]
    [InlineData("<sip:%2B250788123456@host>", null, "sip", "+250788123456", "host")]
    [InlineData("\"Say \\\"hi\\\" <now>\" <sip:user:secret@host>", "Say \"hi\" <now>", "sip", "user", "host")]
    [InlineData("<sip:host.example.com>", null, "sip", null, "host.example.com")]
    public void Reads_name_addr_and_addr_spec_forms(string value, string? displayName, string scheme, string? user, string? host)
    {
        SipAddress.TryParse(value, out var address).ShouldBeTrue();

        address.ShouldBe(new SipAddress(displayName, scheme, user, host));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no scheme here")]
    [InlineData("<sip:+250788123456@host")]
    [InlineData("mailto:someone@example.com")]
    [InlineData(":+250788123456")]
    public void Refuses_what_is_not_a_SIP_or_tel_address(string value) => SipAddress.TryParse(value, out _).ShouldBeFalse();

    [Fact]
    public void Splits_a_list_without_breaking_quoted_names_or_uris()
    {
        SipAddress.SplitList("\"Doe, John\" <sip:+1@a>, <tel:+250788123456>").Select(s => s.Trim())
            .ShouldBe(["\"Doe, John\" <sip:+1@a>", "<tel:+250788123456>"]);
    }

    [Fact]
    public void The_caller_comes_from_P_Asserted_Identity_before_From()
    {
        var invite = IncomingInvite.Parse(
        [
            new SipHeader("From", "\"Withheld\" <sip:+35699111222@trunk.go.com.mt>;tag=a"),
            new SipHeader("P-Asserted-Identity", "<sip:unknown@trunk>, \"Marie\" <tel:+33612345678>"),
            new SipHeader("To", "<sip:+35621000000@sip.api.openai.com>"),
        ], "250");

        invite.Caller!.Value.ShouldBe("+33612345678");
        invite.Callee!.Value.ShouldBe("+35621000000");
        invite.CallerDisplayName.ShouldBe("Withheld");
        invite.Channel.ShouldBe(CallChannel.Phone);
    }

    [Fact]
    public void Header_names_are_case_insensitive_compact_forms_count_and_the_first_of_a_repeated_header_wins()
    {
        var invite = IncomingInvite.Parse(
        [
            new SipHeader("f", "<sip:0788123456@trunk.mtn.rw>"),
            new SipHeader("FROM", "<sip:+33612345678@elsewhere>"),
            new SipHeader("t", "sip:+250788000111@x"),
        ], "250");

        invite.Caller!.Value.ShouldBe("+250788123456");
        invite.Callee!.Value.ShouldBe("+250788000111");
    }

    [Theory]
    [InlineData("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1")]
    [InlineData("<sip:anonymous@trunk.mtn.rw>")]
    [InlineData("<sip:+250788123456@anonymous.invalid>")]
    [InlineData("<sip:restricted@10.0.0.1>")]
    [InlineData("garbage")]
    public void An_anonymous_or_unparsable_caller_is_no_caller(string from)
    {
        var invite = IncomingInvite.Parse([new SipHeader("From", from)], "250");

        invite.Caller.ShouldBeNull();
        invite.CallerDisplayName.ShouldBeNull();
    }

    [Fact]
    public void A_WhatsApp_call_is_recognised_by_its_x_wa_meta_headers_and_keeps_the_wacid()
    {
        var invite = IncomingInvite.Parse(
        [
            new SipHeader("From", "<sip:250788123456@edge.easymo.example>"),
            new SipHeader("X-WA-Meta-WACID", " wacid.ABC "),
            new SipHeader("x-wa-meta-wacid", "wacid.SECOND"),
        ], null);

        invite.Channel.ShouldBe(CallChannel.WhatsApp);
        invite.WhatsAppCallId.ShouldBe("wacid.ABC");
        invite.Caller!.Value.ShouldBe("+250788123456");
    }

    [Fact]
    public void A_WhatsApp_call_is_recognised_by_Metas_SIP_domain()
    {
        var invite = IncomingInvite.Parse([new SipHeader("From", "<sip:+250788123456@wa.meta.vc;transport=tls>")], null);

        invite.Channel.ShouldBe(CallChannel.WhatsApp);
        invite.WhatsAppCallId.ShouldBeNull();
    }

    [Fact]
    public void No_headers_is_an_anonymous_phone_call()
    {
        var invite = IncomingInvite.Parse([], "250");

        invite.ShouldBe(new IncomingInvite(null, null, null, CallChannel.Phone, null));
    }

    [Theory]
    [InlineData("Call-ID", "a84b4c76e66710@pc33.example.com")]
    [InlineData("call-id", "a84b4c76e66710@pc33.example.com")]
    [InlineData("i", "a84b4c76e66710@pc33.example.com")] // the compact form
    public void The_SIP_Call_ID_is_read_whatever_the_form_of_its_name(string name, string value)
    {
        var invite = IncomingInvite.Parse(
            [new SipHeader("From", "<sip:+250788123456@trunk.example>"), new SipHeader(name, " " + value + " "), new SipHeader("Call-ID", "second@x")], null);

        invite.SipCallId.ShouldBe(value); // trimmed; the first one wins
    }
}
