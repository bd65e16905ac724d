using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace FlowAutomation.Runtime;

internal static partial class TranscriptJson
{
    /// <summary>
    /// A <see cref="JsonLinesSink"/> fed from a second thread: the run's thread hands over the records (immutable; only
    /// references are copied, a batch at a time) and a writer thread formats and writes them in the order received, while
    /// the run goes on with the next events. At most <see cref="QueuedBatches"/> batches wait (the run's thread waits when
    /// they are all full), so memory stays bounded. A run whose records never fill one batch starts no thread: its
    /// records are written at <see cref="Dispose"/> on the caller's thread. A write that fails stops the writer; the run's
    /// thread throws that exception at its next hand-over, and <see cref="Dispose"/> hands the failed sink's rest to its
    /// own <see cref="JsonLinesSink.Dispose"/> as the sink alone would (which throws again where the output still fails).
    /// </summary>
    internal sealed class PipelinedSink : ITraceSink, IDisposable
    {
        /// <summary>Records per hand-over (a dry-run event of the workload makes about ten).</summary>
        internal const int BatchSize = 512;

        /// <summary>The most batches handed over and not yet written.</summary>
        internal const int QueuedBatches = 8;

        private readonly JsonLinesSink _lines;
        private readonly int _batchSize;
        private readonly object _gate = new(); // a monitor: the run's thread and the writer wait on it (Monitor.Wait)
        private readonly Queue<Batch> _queue = new();
        private readonly Stack<TraceRecord[]> _free = new();
        private TraceRecord[] _filling;
        private int _filled;
        private Thread? _writer;
        private bool _writerWaits;
        private bool _producerWaits;
        private bool _completed;
        private bool _disposed;
        private ExceptionDispatchInfo? _failure;

        public PipelinedSink(JsonLinesSink lines)
            : this(lines, BatchSize)
        {
        }

        /// <summary>With batches of <paramref name="batchSize"/> records (the tests use small ones).</summary>
        internal PipelinedSink(JsonLinesSink lines, int batchSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            (_lines, _batchSize) = (lines, batchSize);
            _filling = new TraceRecord[batchSize];
        }

        /// <summary>Whether a writer thread was started (a run whose records filled at least one batch).</summary>
        internal bool Started => _writer is not null;

        /// <summary>Whether the writer thread is still running.</summary>
        internal bool WriterRunning => _writer is { IsAlive: true };

        /// <summary>Whether the run's thread waits for room in the queue.</summary>
        internal bool RunWaits
        {
            get
            {
                lock (_gate)
                {
                    return _producerWaits;
                }
            }
        }

        /// <summary>The batches handed over and not yet taken by the writer.</summary>
        internal int Queued
        {
            get
            {
                lock (_gate)
                {
                    return _queue.Count;
                }
            }
        }

        [MethodImpl(Hot.Options)]
        public void Write(TraceRecord record)
        {
            lock (_gate)
            {
                Add(record);
            }
        }

        [MethodImpl(Hot.Options)]
        public void WriteAll(IReadOnlyList<TraceRecord> records)
        {
            lock (_gate)
            {
                for (var i = 0; i < records.Count; i++)
                {
                    Add(records[i]);
                }
            }
        }

        [MethodImpl(Hot.Options)]
        private void Add(TraceRecord record)
        {
            _failure?.Throw();
            ObjectDisposedException.ThrowIf(_completed, this);
            _filling[_filled++] = record;
            if (_filled == _filling.Length)
            {
                HandOver();
            }
        }

        /// <summary>Queues the filled batch (under the gate), waiting while <see cref="QueuedBatches"/> are queued.</summary>
        private void HandOver()
        {
            while (_queue.Count >= QueuedBatches && _failure is null)
            {
                _producerWaits = true;
                Monitor.Wait(_gate);
                _producerWaits = false;
            }

            _failure?.Throw();
            _queue.Enqueue(new Batch(_filling, _filled));
            (_filling, _filled) = (_free.TryPop(out var array) ? array : new TraceRecord[_batchSize], 0);
            if (_writer is null)
            {
                _writer = new Thread(WriteQueued) { IsBackground = true, Name = "JSON Lines writer" };
                _writer.Start();
            }
            else if (_writerWaits)
            {
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The writer thread: each queued batch in order, until the sink is disposed or a write fails.</summary>
        private void WriteQueued()
        {
            while (true)
            {
                Batch batch;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_completed)
                    {
                        _writerWaits = true;
                        Monitor.Wait(_gate);
                        _writerWaits = false;
                    }

                    if (!_queue.TryDequeue(out batch))
                    {
                        return;
                    }

                    if (_producerWaits)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }

                try
                {
                    _lines.WriteAll(batch);
                }
                catch (Exception e)
                {
                    lock (_gate)
                    {
                        _failure = ExceptionDispatchInfo.Capture(e);
                        _queue.Clear();
                        Monitor.PulseAll(_gate);
                    }

                    return;
                }

                Array.Clear(batch.Records, 0, batch.Count);
                lock (_gate)
                {
                    _free.Push(batch.Records);
                }
            }
        }

        /// <summary>
        /// Writes what is left (the queued batches on the writer thread, then the last records and the buffer's rest here)
        /// and waits for the writer thread to end; throws the writer's failure when the sink's own disposal does not throw.
        /// </summary>
        public void Dispose()
        {
            Thread? writer;
            Batch last;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                (_disposed, _completed, writer, last) = (true, true, _writer, new Batch(_filling, _filled));
                Monitor.PulseAll(_gate);
            }

            writer?.Join();
            if (_failure is { } failure)
            {
                // As the sink alone: its buffer's rest goes to the output again, which throws where it still fails.
                _lines.Dispose();
                failure.Throw();
            }

            _lines.WriteAll(last);
            _lines.Dispose();
        }

        /// <summary>The first <see cref="Count"/> records of <see cref="Records"/>.</summary>
        private readonly record struct Batch(TraceRecord[] Records, int Count) : IReadOnlyList<TraceRecord>
        {
            public TraceRecord this[int index] => Records[index];

            IEnumerator<TraceRecord> IEnumerable<TraceRecord>.GetEnumerator() => Records.Take(Count).GetEnumerator();

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<TraceRecord>)this).GetEnumerator();
        }
    }
}
