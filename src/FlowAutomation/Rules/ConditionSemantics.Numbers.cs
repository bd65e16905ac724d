using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// Numbers in text fields: how a form answer, a contact field or a message is read as a number, and how the tests that
/// read it hold. Every engine (the rule network, the explanation, any other evaluator) uses these functions, so that a
/// text means the same number everywhere. docs/flow-language.md ("Numbers in text fields") is the contract.
/// </summary>
internal static partial class ConditionSemantics
{
    /// <summary>Currency codes read before or after a number (any case): ISO 4217 codes of the markets served, and RM, Rp.</summary>
    public static readonly FrozenSet<string> CurrencyCodes = new[]
    {
        "AED", "AUD", "BRL", "CAD", "CHF", "CNY", "EUR", "GBP", "HKD", "IDR", "INR", "JPY", "KRW", "MXN", "MYR", "NZD",
        "PHP", "RMB", "SAR", "SGD", "THB", "TWD", "USD", "VND", "RM", "RP",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CurrencyCodeLookup = CurrencyCodes.GetAlternateLookup<ReadOnlySpan<char>>();

    private const int StackLimit = 128;

    /// <summary>
    /// True when the test reads a text value as a number: <c>gt</c>, <c>gte</c>, <c>lt</c> or <c>lte</c> on a text path,
    /// or <c>equals</c>, <c>not_equals</c>, <c>in</c> or <c>not_in</c> with a value written as a number.
    /// </summary>
    public static bool ReadsNumber(TestCondition test) =>
        test.Path.Kind == ValueKind.Text && (test.Operator is TestOperator.Gt or TestOperator.Gte or TestOperator.Lt or TestOperator.Lte || !test.ValueNumbers.IsDefaultOrEmpty);

    /// <summary>
    /// The number a value stands for: a number or a duration (in seconds) as it is, a text as <see cref="TryReadNumber(ReadOnlySpan{char}, out double)"/>
    /// reads it. NaN when the value is missing or is not a number, so that every comparison with it is false.
    /// </summary>
    public static double NumberOf(FactValue value) => value switch
    {
        { IsMissing: true } => double.NaN,
        { Kind: ValueKind.Text } => TryReadNumber(value.Text, out var n) ? n : double.NaN,
        _ => value.Number,
    };

    /// <summary><c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>, <c>equals</c> of a number with the operand; false when either is NaN.</summary>
    public static bool Compare(TestOperator op, double actual, double operand) => op switch
    {
        TestOperator.Gt => actual > operand,
        TestOperator.Gte => actual >= operand,
        TestOperator.Lt => actual < operand,
        TestOperator.Lte => actual <= operand,
        TestOperator.Equals => actual == operand,
        _ => false,
    };

    /// <summary>Whether one of the values written as numbers (<see cref="TestCondition.ValueNumbers"/>) equals the number.</summary>
    public static bool IsOneOfNumbers(TestCondition test, double actual)
    {
        foreach (var n in test.ValueNumbers)
        {
            if (n == actual)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The whole test, for a test that <see cref="ReadsNumber"/>: <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c> compare
    /// the text read as a number; <c>equals</c> and <c>in</c> hold when the text equals one of the values (ignoring case,
    /// as for any text) or reads as the same number as one written as a number; <c>not_equals</c> and <c>not_in</c> are
    /// their negations. The rule network computes the same from its signals.
    /// </summary>
    public static bool HoldsOnNumber(TestCondition test, FactValue value)
    {
        var number = NumberOf(value);
        if (test.Operator is TestOperator.Gt or TestOperator.Gte or TestOperator.Lt or TestOperator.Lte)
        {
            return Compare(test.Operator, number, test.Number!.Value);
        }

        var equal = IsOneOfNumbers(test, number);
        foreach (var v in test.Values)
        {
            equal |= !value.IsMissing && TextRules.FoldedEquals(value.Text!, v);
        }

        return test.Operator is TestOperator.NotEquals or TestOperator.NotIn ? !equal : equal;
    }

    /// <summary>
    /// What the explanation adds for a test that reads a number from a present text: "'about two grand' is not a number",
    /// or "'$2,000' reads as 2000" when the text is not written as the number itself; null otherwise, and when the text
    /// equals one of the values of <c>equals</c> or <c>in</c> as a text.
    /// </summary>
    public static string? NumberNote(TestCondition test, FactValue value)
    {
        if (!ReadsNumber(test) || value.IsMissing || value.Kind != ValueKind.Text)
        {
            return null;
        }

        var text = value.Text!;
        if (EqualsAnyAsText(text, test.Values))
        {
            return null; // equal as texts: the number does not matter
        }

        var shown = text.Length <= 40 ? text : text[..37] + "...";
        if (!TryReadNumber(text, out var number))
        {
            return text.Trim().Length == 0 ? "an empty text is not a number" : $"'{shown}' is not a number";
        }

        var plain = number.ToString(CultureInfo.InvariantCulture);
        return text.Trim() == plain ? null : $"'{shown}' reads as {plain}";
    }

    /// <summary>
    /// Whether <paramref name="text"/> equals one of <paramref name="values"/> as a text (a loop, not a lambda: a lambda
    /// over <paramref name="text"/> made <see cref="NumberNote"/> allocate its closure on every call, even those that
    /// return at once).
    /// </summary>
    private static bool EqualsAnyAsText(string text, ImmutableArray<string> values)
    {
        foreach (var v in values)
        {
            if (TextRules.FoldedEquals(text, v))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads a text a person typed as a number, in the invariant culture, and nothing else: white space around it,
    /// a sign (<c>-</c> or <c>+</c>), a currency before it (<c>$</c>, <c>€</c>, <c>S$</c>, <c>USD</c>: a currency symbol
    /// with up to three letters before it, or one of <see cref="CurrencyCodes"/>) or after it (<c>1 200 €</c>,
    /// <c>2000 SGD</c>), digits of any script, thousands grouped by a comma or a space (one kind per number, groups of
    /// three after a first group of one to three digits), and a decimal point followed by digits. Anything else (words,
    /// a second number, <c>5k</c>, <c>20%</c>, <c>1,5</c>, <c>1.000.000</c>, <c>1e3</c>) is not a number. Allocates
    /// nothing for numbers of up to 128 characters.
    /// </summary>
    public static bool TryReadNumber(ReadOnlySpan<char> text, out double number)
    {
        number = 0;
        text = text.Trim();
        var negative = false;
        var signed = TakeSign(ref text, ref negative);
        if (TakeCurrency(ref text, leading: true))
        {
            text = text.TrimStart();
        }

        // One sign: at the very start, or directly before the digits ("-$5", "$-5").
        if (IsSign(text) && (signed || !TakeSign(ref text, ref negative)))
        {
            return false;
        }

        var end = AmountLength(text);
        if (end == 0)
        {
            return false;
        }

        var rest = text[end..].TrimStart();
        if (!rest.IsEmpty && (!TakeCurrency(ref rest, leading: false) || !rest.IsEmpty))
        {
            return false;
        }

        return Parse(text[..end], negative, out number);
    }

    /// <inheritdoc cref="TryReadNumber(ReadOnlySpan{char}, out double)"/>
    public static bool TryReadNumber(string? text, out double number)
    {
        number = 0;
        return text is not null && TryReadNumber(text.AsSpan(), out number);
    }

    private static bool IsSign(ReadOnlySpan<char> text) => !text.IsEmpty && text[0] is '-' or '+';

    private static bool TakeSign(ref ReadOnlySpan<char> text, ref bool negative)
    {
        if (!IsSign(text))
        {
            return false;
        }

        negative = text[0] == '-';
        text = text[1..];
        return true;
    }

    /// <summary>
    /// Takes a currency at the start of <paramref name="text"/>: up to three ASCII letters and a currency symbol, or a
    /// code. Leading, the code must be followed by something that is not a letter; trailing, it must end the text.
    /// </summary>
    private static bool TakeCurrency(ref ReadOnlySpan<char> text, bool leading)
    {
        var letters = 0;
        while (letters < text.Length && char.IsAsciiLetter(text[letters]))
        {
            letters++;
        }

        if (letters <= 3 && letters < text.Length && CharUnicodeInfo.GetUnicodeCategory(text[letters]) == UnicodeCategory.CurrencySymbol)
        {
            text = text[(letters + 1)..];
            return true;
        }

        if (letters > 0 && CurrencyCodeLookup.Contains(text[..letters]) && (leading || letters == text.Length))
        {
            text = text[letters..];
            return true;
        }

        return false;
    }

    /// <summary>The length of the amount at the start: digits, optionally grouped in thousands, optionally a decimal part; 0 when none.</summary>
    private static int AmountLength(ReadOnlySpan<char> text)
    {
        var first = Digits(text, 0);
        if (first == 0)
        {
            return 0;
        }

        var at = first;
        if (first <= 3 && at < text.Length && IsGroupSeparator(text[at]))
        {
            var separator = text[at];
            while (at < text.Length && text[at] == separator && Digits(text, at + 1) == 3)
            {
                at += 4;
            }
        }

        if (at + 1 < text.Length && text[at] == '.' && Digits(text, at + 1) is > 0 and var fraction)
        {
            at += 1 + fraction;
        }

        return at;
    }

    private static bool IsGroupSeparator(char c) => c is ',' or ' ' or '\u00A0' or '\u2009' or '\u202F';

    private static int Digits(ReadOnlySpan<char> text, int from)
    {
        var at = from;
        while (at < text.Length && char.IsDigit(text[at]))
        {
            at++;
        }

        return at - from;
    }

    /// <summary>The amount without its separators, in ASCII digits, parsed in the invariant culture; false when it is not finite.</summary>
    private static bool Parse(ReadOnlySpan<char> amount, bool negative, out double number)
    {
        char[]? rented = null;
        Span<char> buffer = amount.Length + 1 <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(amount.Length + 1));
        var length = 0;
        if (negative)
        {
            buffer[length++] = '-';
        }

        foreach (var c in amount)
        {
            if (c == '.')
            {
                buffer[length++] = '.';
            }
            else if (char.IsDigit(c))
            {
                buffer[length++] = (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c));
            }
        }

        var ok = double.TryParse(buffer[..length], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return ok;
    }
}
