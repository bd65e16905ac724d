using System.Text;
using FlowAutomation.Policy;
using Scriban.Runtime;

namespace FlowAutomation.Templates;

/// <summary>
/// The output of one render, which stops the render once the text is certainly longer than the limit in
/// user-perceived characters. It counts cheaply: UTF-16 units first (never fewer than characters), and segments the
/// text into characters only when the units pass the next point at which the limit could be passed.
/// </summary>
internal sealed class LimitedOutput : IScriptOutput
{
    private readonly StringBuilder _text = new();
    private int _limit;
    private int _checkAt;

    /// <summary>Whether the last render was stopped at the limit.</summary>
    public bool Overflowed { get; private set; }

    public void Start(int maxCharacters)
    {
        _text.Clear();
        Overflowed = false;
        _limit = maxCharacters;
        _checkAt = maxCharacters;
    }

    public string Take()
    {
        var text = _text.ToString();
        _text.Clear();
        return text;
    }

    public void Write(string text, int offset, int count)
    {
        _text.Append(text, offset, count);
        if (_text.Length < _checkAt)
        {
            return;
        }

        var characters = ContentRules.CountCharacters(_text.ToString());
        if (characters >= _limit)
        {
            Overflowed = true;
            throw new InvalidOperationException($"the text reached {_limit} characters");
        }

        // Each character is at least one unit: the limit cannot be reached before this many more units.
        _checkAt = _text.Length + (_limit - characters);
    }

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return ValueTask.CompletedTask;
    }
}
