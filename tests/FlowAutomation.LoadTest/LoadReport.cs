using System.Globalization;

/// <summary>Percentiles and the report's lines, in one invariant format.</summary>
internal static class LoadReport
{
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary><c>p50 … ms, p90 … ms, p95 … ms, p99 … ms, max … ms</c> of sorted milliseconds.</summary>
    public static string Latencies(double[] sorted) => sorted.Length == 0
        ? "no samples"
        : Invariant($"p50 {Percentile(sorted, 0.50):F2} ms, p90 {Percentile(sorted, 0.90):F2} ms, p95 {Percentile(sorted, 0.95):F2} ms, p99 {Percentile(sorted, 0.99):F2} ms, max {sorted[^1]:F2} ms");

    /// <summary>The load average of the machine (Linux), for the record: other work on the machine skews every figure.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>
    /// CPU time (user and system) the process has used so far (Linux, <c>/proc/PID/stat</c>); zero elsewhere. On a
    /// shared machine the CPU per event is steadier than the rates, which depend on what else runs.
    /// </summary>
    public static TimeSpan CpuTime(int processId)
    {
        var path = $"/proc/{processId}/stat";
        if (!File.Exists(path))
            return TimeSpan.Zero;
        var fields = File.ReadAllText(path).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the command name: state is field 3, utime 14 and stime 15 (clock ticks of 1/100 s).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
