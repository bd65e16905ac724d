using YamlDotNet.Core;

namespace FlowAutomation.Loading;

/// <summary>The prescan's open collections and the keys seen in each mapping.</summary>
internal sealed partial class YamlPrescan
{
    /// <summary>
    /// The open collections, innermost last. A popped frame stays in the list and is reused by the next collection
    /// at its depth, so that a file of many small mappings allocates no frame and no key table per mapping.
    /// </summary>
    private sealed class FrameStack
    {
        private readonly List<Frame> _frames = [];

        public int Count { get; private set; }

        public void Push(bool isMapping, string? anchor, Mark start, bool isFlow)
        {
            if (Count == _frames.Count)
            {
                _frames.Add(new Frame());
            }

            _frames[Count++].Reset(isMapping, anchor, start, isFlow);
        }

        /// <summary>The innermost frame, no longer open; it stays valid until the next <see cref="Push"/>.</summary>
        public Frame Pop() => _frames[--Count];

        public bool TryPeek([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Frame? frame)
        {
            frame = Count > 0 ? _frames[Count - 1] : null;
            return frame is not null;
        }

        public void Clear() => Count = 0;

        /// <summary>The open frames, outermost first.</summary>
        public IEnumerable<Frame> Open() => _frames.Take(Count);
    }

    private sealed class Frame
    {
        /// <summary>Up to this many keys are looked up in a list; a bigger mapping gets a dictionary.</summary>
        private const int ListedKeys = 8;

        private readonly List<(string Key, int Line)> _keys = [];
        private Dictionary<string, int>? _manyKeys;

        public bool IsMapping { get; private set; }

        public string? Anchor { get; private set; }

        public Mark Start { get; private set; } = Mark.Empty;

        public bool IsFlow { get; private set; }

        public long Size { get; set; }

        public bool ExpectKey { get; set; }

        public bool SecondFlowStarted { get; set; }

        public Mark LastKey { get; set; } = Mark.Empty;

        public void Reset(bool isMapping, string? anchor, Mark start, bool isFlow)
        {
            (IsMapping, Anchor, Start, IsFlow) = (isMapping, anchor, start, isFlow);
            (Size, ExpectKey, SecondFlowStarted, LastKey) = (1, true, false, Mark.Empty);
            _keys.Clear();
            _manyKeys = null; // dropped, not cleared: clearing a big table for every small mapping after it would cost more
        }

        /// <summary>The line of an earlier key with this text, or null.</summary>
        public int? LineOfKey(string key)
        {
            if (_manyKeys is not null)
            {
                return _manyKeys.TryGetValue(key, out var line) ? line : null;
            }

            foreach (var (k, line) in _keys)
            {
                if (string.Equals(k, key, StringComparison.Ordinal))
                {
                    return line;
                }
            }

            return null;
        }

        /// <summary>Records a key that is not there yet.</summary>
        public void AddKey(string key, int line)
        {
            if (_manyKeys is not null)
            {
                _manyKeys[key] = line;
                return;
            }

            _keys.Add((key, line));
            if (_keys.Count > ListedKeys)
            {
                _manyKeys = new Dictionary<string, int>(_keys.Count * 2, StringComparer.Ordinal);
                foreach (var (k, l) in _keys)
                {
                    _manyKeys[k] = l;
                }
            }
        }
    }
}
