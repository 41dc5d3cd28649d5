using System.Text;
using System.Text.RegularExpressions;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

/// <summary>What is stored of a model-written summary: one paragraph, phone numbers taken out, bounded in length.</summary>
public static partial class SummaryText
{
    /// <summary>Longest summary stored (the column holds 4000; a summary is 1–3 sentences).</summary>
    public const int MaxLength = 1000;

    public const string NumberMark = "[number]";

    public static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength * 2));
        var lastWasSpace = true;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    lastWasSpace = true;
                }
            }
            else
            {
                builder.Append(c);
                lastWasSpace = false;
            }
        }

        // The model is told to leave phone numbers out; anything that still looks like one is masked.
        var clean = PhoneLike().Replace(builder.ToString().Trim(), NumberMark);
        if (clean.Length <= MaxLength)
        {
            return clean;
        }

        var cut = clean.LastIndexOf(' ', MaxLength - 1);
        return (cut > MaxLength / 2 ? clean[..cut] : clean[..(MaxLength - 1)]).TrimEnd() + "…";
    }

    /// <summary>An international number (<c>+</c> and at least 8 digits, spaced or not), or 10 and more digits in a row.</summary>
    [GeneratedRegex(@"\+\d(?:[ \-.]?\d){7,}|(?<!\d)\d{10,}(?!\d)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex PhoneLike();
}
