using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>The WhatsApp text a caller gets when their call could not be answered (and, when one is queued, the call back it promises).</summary>
public static class FallbackMessages
{
    public static string CallNotAnswered(Language language) => language.Code switch
    {
        "fr" => "Désolé, notre assistant vocal EasyMO n'est pas disponible pour le moment. Écrivez-nous ici sur WhatsApp et nous vous aiderons.",
        "rw" => "Mutwihanganire, umufasha w'ijwi wa EasyMO ntaboneka muri aka kanya. Mutwandikire hano kuri WhatsApp turabafasha.",
        _ => "Sorry, the EasyMO voice assistant is not available right now. Write to us here on WhatsApp and we will help you.",
    };

    /// <summary>
    /// The text of a caller who is called back: why their call was not answered, that EasyMO will call them on this number
    /// (within <paramref name="hours"/> of their day), and that they may write instead.
    /// </summary>
    public static string CallBackOffered(Language language, CallbackReason reason, CallingHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var busy = reason == CallbackReason.Busy;
        var (start, end) = (hours.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), hours.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        return language.Code switch
        {
            "fr" => (busy ? "Toutes nos lignes EasyMO étaient occupées." : "Désolé, notre assistant vocal EasyMO n'a pas pu répondre.")
                    + $" Nous vous rappellerons sur ce numéro dès qu'une ligne se libère (entre {start} et {end}). Vous pouvez aussi nous écrire ici.",
            "rw" => (busy ? "Imirongo yose ya EasyMO yari ihuze." : "Mutwihanganire, umufasha w'ijwi wa EasyMO ntiyashoboye kwitaba.")
                    + $" Turabahamagara kuri iyi nimero umurongo ukimara kuboneka (hagati ya {start} na {end}). Mushobora no kutwandikira hano.",
            _ => (busy ? "All EasyMO lines were busy." : "Sorry, the EasyMO voice assistant could not answer.")
                 + $" We will call you back on this number as soon as a line is free (between {start} and {end}). You can also write to us here.",
        };
    }
}
