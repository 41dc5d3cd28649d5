namespace EasyMo.Testing;

/// <summary>The running test's cancellation, as <c>Ct</c> in every test (a global <c>using static</c>, see Usings.cs).</summary>
public static class TestCancellation
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}
