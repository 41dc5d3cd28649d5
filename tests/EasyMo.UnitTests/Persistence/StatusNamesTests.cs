using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EasyMo.UnitTests.Persistence;

/// <summary>
/// The call statuses as the database spells them (the check constraint, the partial indexes' filters, the SQL that
/// compares them) are the names the converter writes: renaming an enum member cannot silently break a query.
/// </summary>
public sealed class StatusNamesTests
{
    // The design-time model keeps the check constraints (the runtime model drops them).
    private static readonly Microsoft.EntityFrameworkCore.Metadata.IEntityType Calls =
        new EasyMoDbContext(DatabaseConnection.ContextOptions("Host=unused"))
            .GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model.FindEntityType(typeof(Call))!;

    private static string Stored(CallStatus status) => (string)ValueConverters.SnakeCase<CallStatus>().ConvertToProvider(status)!;

    [Fact]
    public void The_status_check_constraint_names_every_status_the_converter_writes_and_no_other()
    {
        var constraint = Calls.GetCheckConstraints().Single(c => c.ModelName == "ck_calls_status").Sql;
        var named = System.Text.RegularExpressions.Regex.Matches(constraint, "'([a-z_]+)'").Select(m => m.Groups[1].Value).Order().ToArray();

        named.ShouldBe(Enum.GetValues<CallStatus>().Select(Stored).Order().ToArray());
    }

    [Fact]
    public void The_live_calls_index_filters_on_the_accepted_status_as_stored()
    {
        var live = Calls.GetIndexes().Single(index => index.GetDatabaseName() == "ix_calls_live");

        live.GetFilter().ShouldBe($"status = '{Stored(CallStatus.Accepted)}'");
        Stored(CallStatus.Accepted).ShouldBe("accepted"); // the literal the SQL of CallStore, AdminQueries and MonitorLeases compares with
        Stored(CallStatus.Ringing).ShouldBe("ringing");
    }
}
