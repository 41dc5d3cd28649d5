using EasyMo.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EasyMo.UnitTests.Configuration;

public sealed class DatabaseConnectionTests
{
    [Fact]
    public void A_postgres_url_becomes_an_Npgsql_connection_string()
    {
        var normalized = new NpgsqlConnectionStringBuilder(
            DatabaseConnection.Normalize("postgres://easy%40mo:p%3Ass@db.internal:6543/easymo?sslmode=require"));

        normalized.Host.ShouldBe("db.internal");
        normalized.Port.ShouldBe(6543);
        normalized.Database.ShouldBe("easymo");
        normalized.Username.ShouldBe("easy@mo");
        normalized.Password.ShouldBe("p:ss");
        normalized.SslMode.ShouldBe(SslMode.Require);
        normalized.Timeout.ShouldBe(3);
    }

    [Fact]
    public void Pooled_connections_skip_the_reset_and_prepare_the_hot_statements_unless_told_otherwise()
    {
        var defaults = new NpgsqlConnectionStringBuilder(DatabaseConnection.Normalize("Host=h;Database=d"));
        var operators = new NpgsqlConnectionStringBuilder(DatabaseConnection.Normalize("Host=h;Database=d;No Reset On Close=false;Max Auto Prepare=0"));

        (defaults.NoResetOnClose, defaults.MaxAutoPrepare, defaults.AutoPrepareMinUsages).ShouldBe((true, 20, 2));
        (operators.NoResetOnClose, operators.MaxAutoPrepare).ShouldBe((false, 0));
    }

    [Fact]
    public void Timeouts_set_by_the_operator_are_kept()
    {
        var normalized = new NpgsqlConnectionStringBuilder(DatabaseConnection.Normalize("Host=h;Database=d;Timeout=20;Command Timeout=60"));

        normalized.Timeout.ShouldBe(20);
        normalized.CommandTimeout.ShouldBe(60);
    }

    [Fact]
    public void The_connection_string_wins_over_DATABASE_URL()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:EasyMo"] = "Host=primary;Database=d",
            ["DATABASE_URL"] = "postgres://u@secondary/d",
        }).Build();

        new NpgsqlConnectionStringBuilder(DatabaseConnection.Resolve(configuration)).Host.ShouldBe("primary");
    }

    [Fact]
    public void Nothing_configured_is_null() =>
        DatabaseConnection.Resolve(new ConfigurationBuilder().Build()).ShouldBeNull();
}
