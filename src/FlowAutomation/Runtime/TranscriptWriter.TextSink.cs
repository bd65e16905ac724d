using System.Text;

namespace FlowAutomation.Runtime;

public static partial class TranscriptWriter
{
    /// <summary>
    /// The timeline written as the records come (<see cref="WriteText"/>, and the dry run's text output while its run
    /// goes on): each record's lines are formatted into a buffer that goes to the writer in pieces of about
    /// <see cref="TextChunk"/> characters; disposing writes the rest. A piece the writer fails on is not written again
    /// at disposal (the failure has surfaced at that record's <see cref="Write"/>).
    /// </summary>
    internal sealed class TextSink : ITraceSink, IDisposable
    {
        private readonly TextWriter _output;
        private readonly DateTimeOffset _start;
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();
        private bool _failed;

        /// <param name="output">Where the text goes; flushing and closing it are the caller's.</param>
        /// <param name="start">The time the offsets count from (the scenario's start).</param>
        /// <param name="head">Text written before the first record (the dry run's scenario and start lines).</param>
        public TextSink(TextWriter output, DateTimeOffset start, string head = "")
        {
            _output = output;
            _start = start;
            _text.Append(head);
        }

        public void Write(TraceRecord record)
        {
            lock (_gate)
            {
                AppendRecord(_text, record, _start);
                if (_text.Length >= TextChunk)
                {
                    Flush();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_failed)
                {
                    Flush();
                }
            }
        }

        private void Flush()
        {
            _failed = true;
            _output.Write(_text);
            _text.Clear();
            _failed = false;
        }
    }
}
