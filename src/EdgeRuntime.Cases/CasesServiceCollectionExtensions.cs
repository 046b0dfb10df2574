using EdgeRuntime.Foundation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Cases;

/// <summary>Registers case identification: the <see cref="CaseReader"/> the slide pipeline asks for each slide's case.</summary>
public static class CasesServiceCollectionExtensions
{
    /// <summary>Adds the case reader with <c>EdgeRuntime:Cases</c> bound and checked here; its problems are reported at start with every other component's.</summary>
    public static IServiceCollection AddCaseIdentification(this IServiceCollection services, IConfigurationSections sections) =>
        services.RegisterCaseReader(sections.BindChecked<CaseOptions>(CaseOptions.Section, o => o.Validate()));

    /// <summary>
    /// Adds the case reader for <paramref name="options"/> (EdgeRuntime:Cases), validated now: an invalid setting
    /// stops the start with every problem and its configuration path.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IServiceCollection AddCaseIdentification(this IServiceCollection services, CaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Foundation.OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));
        return services.RegisterCaseReader(options);
    }

    private static IServiceCollection RegisterCaseReader(this IServiceCollection services, CaseOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(p => new CaseReader(options, p.GetService<ILogger<CaseReader>>() ?? NullLogger<CaseReader>.Instance));
        return services;
    }
}
