using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Common.Options;

/// <summary>Settings that can say what is wrong with them, one sentence per problem, naming the keys to fix.</summary>
public interface IValidatedOptions
{
    IReadOnlyList<string> Problems();
}

public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Checks the settings with their own <see cref="IValidatedOptions.Problems"/> when the host starts: a service that
    /// would misbehave refuses to start, and says every problem at once.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateProblemsOnStart<TOptions>(this OptionsBuilder<TOptions> builder)
        where TOptions : class, IValidatedOptions
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, ProblemsValidator<TOptions>>();
        return builder.ValidateOnStart();
    }

    private sealed class ProblemsValidator<TOptions> : IValidateOptions<TOptions>
        where TOptions : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
