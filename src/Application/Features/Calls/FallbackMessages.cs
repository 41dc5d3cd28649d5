using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>The WhatsApp text a caller gets when their call could not be answered.</summary>
public static class FallbackMessages
{
    public static string CallNotAnswered(Language language) => language.Code switch
    {
        "fr" => "Désolé, notre assistant vocal EasyMO n'est pas disponible pour le moment. Écrivez-nous ici sur WhatsApp et nous vous aiderons.",
        "rw" => "Mutwihanganire, umufasha w'ijwi wa EasyMO ntaboneka muri aka kanya. Mutwandikire hano kuri WhatsApp turabafasha.",
        _ => "Sorry, the EasyMO voice assistant is not available right now. Write to us here on WhatsApp and we will help you.",
    };
}
