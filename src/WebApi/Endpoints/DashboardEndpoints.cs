
namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// <c>GET /dashboard</c>: the operators' page (static files under <c>wwwroot/dashboard</c>, no build step). The page holds no
/// data: it asks for the admin token and reads <c>/api/stats/calls</c> and <c>/api/calls</c> with it.
/// </summary>
public static class DashboardEndpoints
{
    // Scripts and styles come from this origin only; the page talks to this origin only and cannot be framed.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => SecurityHeaders(context.Context.Response),
        });

        app.MapGet("/dashboard", (HttpContext context) =>
        {
            var page = files.GetFileInfo("dashboard/index.html");
            if (!page.Exists)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dashboard not installed", detail: "wwwroot/dashboard/index.html is missing from this build.");
            }

            SecurityHeaders(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Stream(page.CreateReadStream(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
