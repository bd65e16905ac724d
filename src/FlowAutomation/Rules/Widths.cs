using System.Numerics;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Rules;

/// <summary>
/// Reads and writes the numbers of the tables kept in 16 or 32 bits (<see cref="TriggerPlan.Blob16"/>, the keyword
/// automaton's dense table) as <c>int</c>. The same as <c>int.CreateTruncating</c> and <c>T.CreateTruncating</c>, but
/// for <c>ushort</c> and <c>int</c> a plain load or store that every compiler inlines: in the linux-x64 tool's
/// precompiled code (crossgen2) the generic-math conversions stay calls, one per number read (docs/performance.md,
/// "Seventeenth pass").
/// </summary>
internal static class Widths
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToInt<T>(T value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(ushort))
        {
            return Unsafe.As<T, ushort>(ref value);
        }

        if (typeof(T) == typeof(int))
        {
            return Unsafe.As<T, int>(ref value);
        }

        return int.CreateTruncating(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromInt<T>(int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(ushort))
        {
            var narrow = (ushort)value;
            return Unsafe.As<ushort, T>(ref narrow);
        }

        if (typeof(T) == typeof(int))
        {
            return Unsafe.As<int, T>(ref value);
        }

        return T.CreateTruncating(value);
    }
}
