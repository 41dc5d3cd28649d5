namespace EasyMo.Testing;

/// <summary>Settings for a test host: defaults, then a test's own values on top.</summary>
public static class TestSettings
{
    /// <summary>Sets each of <paramref name="overrides"/> on <paramref name="settings"/> (a later value wins) and returns it.</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<KeyValuePair<string, string?>>? overrides)
    {
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <inheritdoc cref="With(Dictionary{string, string?}, IEnumerable{KeyValuePair{string, string?}}?)"/>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<(string Key, string? Value)> overrides) =>
        settings.With(overrides.Select(pair => KeyValuePair.Create(pair.Key, pair.Value)));
}
