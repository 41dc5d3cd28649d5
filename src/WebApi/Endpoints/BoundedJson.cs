using System.Text.Json;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// An operator's small JSON body, read at most <c>maxBytes</c> whatever the request says: a <c>Content-Length</c> over it is
/// refused before reading, and a chunked body (no length) is cut off and refused as soon as it grows past it, instead of
/// being parsed up to Kestrel's 30 MB.
/// </summary>
internal static class BoundedJson
{
    /// <summary>The body as JSON (<see cref="JsonValueKind.Undefined"/> when it is not JSON), or <c>TooLarge</c>.</summary>
    public static async Task<(JsonElement Body, bool TooLarge)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (default, true);
        }

        var buffer = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        if (length > maxBytes)
        {
            return (default, true);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return (document.RootElement.Clone(), false);
        }
        catch (JsonException)
        {
            return (default, false);
        }
    }
}
