using Microsoft.AspNetCore.Http.Features;

namespace EasyMo.WebApi.Webhooks;

/// <summary>Reads a request body as the exact bytes that were signed, up to a limit.</summary>
public static class RawBody
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> (the caller answers 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Let the server stop a chunked body one byte past the limit instead of buffering it whole.
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }

        try
        {
            if (request.ContentLength is { } length)
            {
                var exact = new byte[length];
                await request.Body.ReadExactlyAsync(exact, cancellationToken);
                return exact;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
