using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>, always served: it holds no secret) and, in Development only, Scalar's
/// reference page at <c>/scalar</c>. The operators' operations carry the bearer scheme.
/// </summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddEasyMoOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "EasyMO Voice",
                Version = "v1",
                Description = "Webhooks from OpenAI and WhatsApp, and the operators' API under /api (bearer EASYMO_ADMIN_TOKEN).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "EASYMO_ADMIN_TOKEN",
            };

            foreach (var (path, item) in document.Paths)
            {
                if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
                {
                    continue;
                }

                foreach (var operation in item.Operations.Values)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
                }
            }

            return Task.CompletedTask;
        }));

    public static WebApplication MapEasyMoOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
