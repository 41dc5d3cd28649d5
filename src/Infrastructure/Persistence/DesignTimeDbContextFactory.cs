using Microsoft.EntityFrameworkCore.Design;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Lets <c>dotnet ef</c> build the model without starting the web host. Migrations are created offline; a database is
/// only needed to apply them (<c>ConnectionStrings__EasyMo</c>).
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<EasyMoDbContext>
{
    public EasyMoDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EasyMo")
            ?? "Host=127.0.0.1;Port=54329;Database=easymo;Username=postgres";
        return new EasyMoDbContext(DatabaseConnection.ContextOptions(DatabaseConnection.Normalize(connectionString)));
    }
}
