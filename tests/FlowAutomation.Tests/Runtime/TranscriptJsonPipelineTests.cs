using System.Globalization;
using FlowAutomation.Runtime;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// The dry run's JSON Lines written on a second thread (<see cref="TranscriptJson.PipelinedSink"/>): the bytes of the sink
/// alone in the same order, its write errors surfaced, no writer left running after disposal, the queue bounded.
/// </summary>
public sealed class TranscriptJsonPipelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(TranscriptJson.PipelinedSink.BatchSize)]
    public void WriteAll_ManyRecordsInBatches_SameBytesAsTheSinkAlone(int batchSize)
    {
        var records = Records(20_000);
        var alone = BytesOfTheSinkAlone(records);

        var piped = new MemoryStream();
        var pipeline = new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(piped), batchSize);
        using (pipeline)
        {
            WriteInCommits(pipeline, records);
        }

        Assert.True(pipeline.Started);
        Assert.False(pipeline.WriterRunning);
        Assert.Equal(alone, piped.ToArray());
    }

    [Fact]
    public void Dispose_FewerRecordsThanABatch_WritesThemWithoutAThread()
    {
        var records = Records(10);
        var alone = BytesOfTheSinkAlone(records);

        var piped = new MemoryStream();
        var pipeline = new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(piped));
        using (pipeline)
        {
            WriteInCommits(pipeline, records);
        }

        Assert.False(pipeline.Started);
        Assert.Equal(alone, piped.ToArray());
    }

    [Fact]
    public void WriteAll_OutputFails_ThrowsTheOutputsErrorAndTheWriterEnds()
    {
        var records = Records(20_000);
        var failing = new FailingStream();
        var pipeline = new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(failing), batchSize: 16);
        var error = Assert.Throws<IOException>(() =>
        {
            using (pipeline)
            {
                WriteInCommits(pipeline, records);
            }
        });

        Assert.Equal(FailingStream.Message, error.Message);
        Assert.True(pipeline.Started);
        Assert.False(pipeline.WriterRunning);
        Assert.True(failing.Attempts >= 1);
    }

    [Fact]
    public void Dispose_RunFailsMidway_WritesWhatWasHandedOverAndTheWriterEnds()
    {
        var records = Records(5_000);
        var alone = BytesOfTheSinkAlone(records.Take(3_001).ToArray());

        var piped = new MemoryStream();
        var pipeline = new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(piped), batchSize: 7);
        Assert.Throws<OperationCanceledException>(RunThenCancel);

        Assert.True(pipeline.Started);
        Assert.False(pipeline.WriterRunning);
        Assert.Equal(alone, piped.ToArray());

        void RunThenCancel()
        {
            using (pipeline)
            {
                WriteInCommits(pipeline, records.Take(3_001).ToArray());
                throw new OperationCanceledException();
            }
        }
    }

    [Fact]
    public void WriteAll_OutputBlocked_RunWaitsWithAtMostTheQueuedBatches()
    {
        var records = Records(2_000);
        var gate = new GatedStream();
        var pipeline = new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(gate), batchSize: 1);
        var producer = new Thread(() => WriteInCommits(pipeline, records));
        producer.Start();

        // The writer holds one batch in the blocked write; the run fills the queue, then waits for room.
        // (An unbounded queue would take all 2,000 batches and never make the run wait: the condition would not hold.)
        Assert.True(SpinWait.SpinUntil(() => gate.Blocked && pipeline.RunWaits && pipeline.Queued == TranscriptJson.PipelinedSink.QueuedBatches, TimeSpan.FromSeconds(30)));
        Assert.True(producer.IsAlive);

        gate.Open();
        producer.Join();
        pipeline.Dispose();

        var alone = BytesOfTheSinkAlone(records);

        Assert.False(pipeline.WriterRunning);
        Assert.Equal(alone, gate.Written.ToArray());
    }

    /// <summary>Records of every kind with texts that differ per record (so that any reordering changes the bytes).</summary>
    private static TraceRecord[] Records(int count)
    {
        var records = new TraceRecord[count];
        for (var i = 0; i < count; i++)
        {
            var at = Start.AddSeconds(i / 4);
            var n = i.ToString(CultureInfo.InvariantCulture);
            records[i] = (i % 4) switch
            {
                0 => new EventTrace(at, "message.received", $"message.received \"words {n}\"", 0)
                {
                    Window = new TraceWindow(at, at.AddHours(24), true, i % 7, 5),
                },
                1 => new RuleTrace(at, $"flow-{n}", "message.received", i % 3 == 0, i % 3 == 0 ? null : "conditions not met",
                    [new ConditionLine("message.text", "contains", "[\"a\"]", $"words {n}", i % 3 == 0, 0)]),
                2 => new ActionTrace(at, $"flow-{n}", "reply", ActionStatus.Sent, null, $"reply {n} café", "sent") { Node = "then/0", Content = "text" },
                _ => new ActionTrace(at, $"flow-{n}", "tag", ActionStatus.Done, null, null, $"tag t{n} added"),
            };
        }

        return records;
    }

    /// <summary>The records in commits of one to five, as the engine hands over an event's records, with a single write now and then.</summary>
    /// <summary>The bytes the sink alone writes for <paramref name="records"/>, handed over as the tests hand them to the pipeline.</summary>
    private static byte[] BytesOfTheSinkAlone(TraceRecord[] records)
    {
        var alone = new MemoryStream();
        using (var sink = new TranscriptJson.JsonLinesSink(alone))
        {
            WriteInCommits(sink, records);
        }

        return alone.ToArray();
    }

    private static void WriteInCommits(ITraceSink sink, TraceRecord[] records)
    {
        var i = 0;
        while (i < records.Length)
        {
            var size = Math.Min(1 + (i % 5), records.Length - i);
            if (size == 1)
            {
                sink.Write(records[i]);
            }
            else
            {
                sink.WriteAll(records[i..(i + size)]);
            }

            i += size;
        }
    }

    /// <summary>A stream whose every write fails, as a full disk's.</summary>
    private sealed class FailingStream : WriteOnlyStream
    {
        public const string Message = "No space left on device";

        public int Attempts { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Attempts++;
            throw new IOException(Message);
        }
    }

    /// <summary>A stream whose writes wait until <see cref="Open"/> (a reader that does not read yet), then keep the bytes.</summary>
    private sealed class GatedStream : WriteOnlyStream
    {
        private readonly ManualResetEventSlim _open = new();
        private bool _blocked;

        public MemoryStream Written { get; } = new();

        public void Open() => _open.Set();

        /// <summary>Whether a write waits for <see cref="Open"/>.</summary>
        public bool Blocked => Volatile.Read(ref _blocked);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Volatile.Write(ref _blocked, !_open.IsSet);
            _open.Wait();
            Written.Write(buffer);
        }
    }

    /// <summary>A stream that only writes, each write through <see cref="Write(ReadOnlySpan{byte})"/>.</summary>
    private abstract class WriteOnlyStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public abstract override void Write(ReadOnlySpan<byte> buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
