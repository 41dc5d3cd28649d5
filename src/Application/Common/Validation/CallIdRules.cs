using EasyMo.Domain.Calls;
using FluentValidation;

namespace EasyMo.Application.Common.Validation;

/// <summary>The rule every command about a call shares: it names one (the edge parsed the id; only <c>default</c> names none).</summary>
public static class CallIdRules
{
    public static IRuleBuilderOptions<T, OpenAiCallId> MustNameACall<T>(this IRuleBuilder<T, OpenAiCallId> rule) =>
        rule.Must(id => id.Value is not null).WithMessage("'Call Id' is required: OpenAI's id of the call (rtc_…).");
}
