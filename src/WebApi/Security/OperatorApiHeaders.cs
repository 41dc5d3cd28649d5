namespace EasyMo.WebApi.Security;

/// <summary>
/// Every answer under <c>/api</c> — transcripts, numbers, exports, and the 401s too — is never stored by a browser or a
/// proxy (<c>Cache-Control: no-store</c>) and never sniffed into another type (<c>X-Content-Type-Options: nosniff</c>).
/// </summary>
public static class OperatorApiHeaders
{
    public static IApplicationBuilder UseOperatorApiHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.CacheControl = "no-store";
                    context.Response.Headers.XContentTypeOptions = "nosniff";
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
}
