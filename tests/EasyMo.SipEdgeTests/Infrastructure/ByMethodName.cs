using Xunit.Sdk;
using Xunit.v3;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>
/// Runs a class's tests in the order of their method names. xUnit's default order follows the test cases' unique ids,
/// which hash the assembly's path, so the same tests ran in another order in another clone. <see cref="EdgeHostTests"/>
/// share one Kamailio across restarts and reloads, and one of those orders failed in a fresh clone: a refused
/// <c>tls.reload</c> as the first reload of a restarted Kamailio, after which no reload succeeded, retries included.
/// </summary>
public sealed class ByMethodName : ITestCaseOrderer
{
    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        [.. testCases.OrderBy(testCase => testCase.TestMethodName, StringComparer.Ordinal)];
}
