namespace EasyMo.Application.Features.Calls.Sip;

/// <summary>One header of the SIP INVITE, as OpenAI forwards it in <c>data.sip_headers</c>.</summary>
public sealed record SipHeader(string Name, string Value);
