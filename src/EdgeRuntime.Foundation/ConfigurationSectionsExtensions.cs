namespace EdgeRuntime.Foundation;

/// <summary>How a component binds its section and checks it in one step.</summary>
public static class ConfigurationSectionsExtensions
{
    /// <summary>Binds <paramref name="section"/> into <typeparamref name="T"/> and keeps what <paramref name="validate"/> finds wrong with it.</summary>
    public static T BindChecked<T>(this IConfigurationSections sections, string section, Func<T, IEnumerable<string>> validate)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(validate);
        var options = sections.Bind<T>(section);
        sections.Refuse(validate(options));
        return options;
    }
}
