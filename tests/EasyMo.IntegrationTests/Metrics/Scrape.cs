using System.Globalization;

namespace EasyMo.IntegrationTests.Metrics;

/// <summary>
/// One <c>GET /metrics</c> answer from the host's management listener (a loopback socket on a port of its own, never the
/// public listener), parsed enough to read a sample by name and label.
/// </summary>
internal sealed class Scrape(string text)
{
    public string Text { get; } = text;

    public static async Task<Scrape> TakeAsync(EasyMoApp app)
    {
        using var client = app.CreateManagementClient();
        using var response = await client.GetAsync("metrics", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return new Scrape(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels contain every one of <paramref name="labels"/>
    /// (such as <c>outcome="accepted"</c>); 0 when there is none.
    /// </summary>
    public double Value(string name, params string[] labels)
    {
        double sum = 0;
        foreach (var line in Text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0 || line[..nameEnd] != name)
            {
                continue;
            }

            var labelText = line[nameEnd] == '{' ? line[nameEnd..(line.IndexOf('}', StringComparison.Ordinal) + 1)] : string.Empty;
            if (!labels.All(label => labelText.Contains(label, StringComparison.Ordinal)))
            {
                continue;
            }

            var valueText = line[(nameEnd + labelText.Length)..].Trim().Split(' ')[0];
            sum += double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return sum;
    }

    public bool Has(string name) => Text.Split('\n').Any(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal));
}
