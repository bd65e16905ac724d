using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace FlowAutomation.Server.Common;

/// <summary>
/// A setting's rule, checked when the service starts (<c>ValidateDataAnnotations</c> with <c>ValidateOnStart</c>). The
/// message names the setting as it is written (<c>Outbox:MaxParallelSends</c>, from the options class's
/// <c>SectionName</c>) and the value that was given, and the service refuses to start: nothing is clamped silently.
/// </summary>
internal abstract class SettingAttribute : ValidationAttribute
{
    protected abstract bool Holds(object? value);

    /// <summary>What the value must be, after the setting's name: "must be positive".</summary>
    protected abstract string Rule { get; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (Holds(value))
            return ValidationResult.Success;
        var section = validationContext.ObjectType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        var name = section is null ? validationContext.MemberName : $"{section}:{validationContext.MemberName}";
        return new ValidationResult($"{name} {Rule} (it is {(value is null ? "not set" : Convert.ToString(value, CultureInfo.InvariantCulture))})",
            validationContext.MemberName is { } member ? [member] : []);
    }
}

/// <summary>A number or a duration greater than zero.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PositiveAttribute : SettingAttribute
{
    protected override string Rule => "must be positive";

    protected override bool Holds(object? value) => value switch
    {
        TimeSpan span => span > TimeSpan.Zero,
        int number => number > 0,
        long number => number > 0,
        _ => false,
    };
}

/// <summary>A number or a duration of zero or more.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotNegativeAttribute : SettingAttribute
{
    protected override string Rule => "must not be negative";

    protected override bool Holds(object? value) => value switch
    {
        TimeSpan span => span >= TimeSpan.Zero,
        int number => number >= 0,
        long number => number >= 0,
        _ => false,
    };
}

/// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class BetweenAttribute(int min, int max) : SettingAttribute
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    protected override string Rule => $"must be from {Min} to {Max}";

    protected override bool Holds(object? value) => value is int number && number >= Min && number <= Max;
}

/// <summary>Text that is not empty or blank.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotBlankAttribute : SettingAttribute
{
    protected override string Rule => "must not be empty";

    protected override bool Holds(object? value) => value is string text && !string.IsNullOrWhiteSpace(text);
}
