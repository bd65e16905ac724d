using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Numbers in text fields as docs/flow-language.md states them, written as plainly as possible (one regular expression
/// and a few checks after it), so that the product's hand-written reader (<c>ConditionSemantics.TryReadNumber</c>) can be
/// compared with it on every input.
/// </summary>
internal static partial class NaiveNumbers
{
    private static readonly HashSet<string> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AED", "AUD", "BRL", "CAD", "CHF", "CNY", "EUR", "GBP", "HKD", "IDR", "INR", "JPY", "KRW", "MXN", "MYR", "NZD",
        "PHP", "RMB", "SAR", "SGD", "THB", "TWD", "USD", "VND", "RM", "Rp",
    };

    /// <summary>The number the text reads as, or null when it is not a number.</summary>
    public static double? Read(string text)
    {
        var m = Shape().Match(text.Trim());
        if (!m.Success
            || (m.Groups["s1"].Success && m.Groups["s2"].Success)
            || (m.Groups["code"].Success && !Codes.Contains(m.Groups["code"].Value))
            || (m.Groups["code2"].Success && !Codes.Contains(m.Groups["code2"].Value)))
        {
            return null;
        }

        var digits = new StringBuilder(m.Groups["s1"].Value + m.Groups["s2"].Value);
        foreach (var c in m.Groups["amount"].Value)
        {
            if (c == '.')
            {
                digits.Append('.');
            }
            else if (char.IsDigit(c))
            {
                digits.Append((int)char.GetNumericValue(c));
            }
        }

        var n = double.Parse(digits.ToString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return double.IsFinite(n) ? n : null;
    }

    /// <summary>
    /// [sign] [currency, spaces] [sign] digits (plain, or 1-3 digits then groups of three after one repeated separator:
    /// comma, space, no-break space, thin space, narrow no-break space) [. digits] [spaces, currency]. A currency is up to
    /// three ASCII letters and a currency symbol, or a code (checked against <see cref="Codes"/> after the match).
    /// </summary>
    [GeneratedRegex(@"^(?<s1>[+-])?(?:(?:[A-Za-z]{0,3}\p{Sc}|(?<code>[A-Za-z]+)(?![A-Za-z]))\s*)?(?<s2>[+-])?(?<amount>(?:\d{1,3}(?<sep>[, \u00A0\u2009\u202F])\d{3}(?:\k<sep>\d{3})*|\d+)(?:\.\d+)?)(?:\s*(?:[A-Za-z]{0,3}\p{Sc}|(?<code2>[A-Za-z]+)))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
