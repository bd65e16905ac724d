using System.Numerics;
using FlowAutomation.Rules;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// The plain conversions the 16- and 32-bit tables are read with (<see cref="Widths"/>) and the keyword scan's high
/// multiply (<see cref="KeywordAutomaton.MultiplyHigh"/>), each against the framework's own: generic math and
/// <see cref="Math.BigMul(ulong, ulong, out ulong)"/>.
/// </summary>
public sealed class WidthsTests
{
    private static readonly int[] Edges = [0, 1, 2, 255, 256, 32767, 32768, 65534, 65535, 65536, 1 << 20, int.MaxValue, -1, -2, int.MinValue];

    private static void AgreesWithGenericMath<T>(IEnumerable<int> values)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var value in values)
        {
            var narrowed = T.CreateTruncating(value);
            Assert.Equal(narrowed, Widths.FromInt<T>(value));
            Assert.Equal(int.CreateTruncating(narrowed), Widths.ToInt(narrowed));
        }
    }

    private static IEnumerable<int> Values(int seed) =>
        Edges.Concat(Enumerable.Range(0, 1000).Select(_ => Random.Shared.Next(int.MinValue, int.MaxValue)))
            .Concat(Enumerable.Range(0, 1000).Select(i => new Random(seed + i).Next(0, 70000)));

    [Fact]
    public void ToIntAndFromInt_UInt16_AgreeWithCreateTruncating() => AgreesWithGenericMath<ushort>(Values(16));

    [Fact]
    public void ToIntAndFromInt_Int32_AgreeWithCreateTruncating() => AgreesWithGenericMath<int>(Values(32));

    [Fact]
    public void ToIntAndFromInt_OtherWidths_AgreeWithCreateTruncating()
    {
        AgreesWithGenericMath<byte>(Values(8));
        AgreesWithGenericMath<long>(Values(64));
    }

    [Fact]
    public void MultiplyHigh_AnyOperands_EqualsBigMulsHighHalf()
    {
        var random = new Random(17);
        ulong[] wide = [0, 1, uint.MaxValue, (ulong)uint.MaxValue + 1, ulong.MaxValue, ulong.MaxValue - 1, (ulong.MaxValue / 3) + 1, (ulong.MaxValue / 27) + 1];
        uint[] narrow = [0, 1, 2, 27, 65535, 65536, int.MaxValue, uint.MaxValue];
        var pairs = wide.SelectMany(a => narrow.Select(b => (a, b)))
            .Concat(Enumerable.Range(0, 10_000).Select(_ => ((ulong)random.NextInt64() * 2 + (ulong)random.Next(2), (uint)random.NextInt64(0, 1L << 32))));
        foreach (var (a, b) in pairs)
        {
            Assert.Equal(Math.BigMul(a, b, out _), KeywordAutomaton.MultiplyHigh(a, b));
        }
    }
}
