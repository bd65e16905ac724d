namespace FlowAutomation.Diagnostics;

/// <summary>FA14xx: reply and <c>set</c> templates (Scriban), checked when the flow is compiled.</summary>
public static partial class DiagnosticCodes
{
    private const DiagnosticSeverity TemplateError = DiagnosticSeverity.Error;
    private const DiagnosticSeverity TemplateWarning = DiagnosticSeverity.Warning;

    public static readonly DiagnosticDescriptor TemplateSyntax = new("FA1401", TemplateError, "Template syntax error",
        "template error: {0}",
        "Reply and `set` values are [Scriban](https://github.com/scriban/scriban/blob/master/doc/language.md) templates: `{{ contact.name }}`, `{{ contact.name ?? \"there\" }}`, `{{ if lead.fields.budget }}…{{ else }}…{{ end }}`. Check that every `{{` has its `}}` (an expression left open at the end of the text is an error here too, although Scriban would print it as text), that every `if` and `for` is closed with `{{ end }}`, and that strings are closed with their quote.");
    public static readonly DiagnosticDescriptor TemplateUnknownPath = new("FA1402", TemplateError, "Unknown template variable",
        "unknown variable '{0}' in template{1}",
        "A template reads the same paths as conditions (`contact.name`, `lead.fields.email`, `message.text`, …), `now` (the engine's clock), and the variables it assigns itself (`{{ name = contact.name ?? \"there\" }}`, `{{ for tag in contact.tags }}`). A whole object (`contact`, `lead.fields`) is not a value to print: name the field.");
    public static readonly DiagnosticDescriptor TemplateUnknownFunction = new("FA1403", TemplateError, "Unknown template function",
        "unknown function '{0}'{1}",
        "Templates call Scriban's built-in functions by their full name: `string.capitalize`, `string.upcase`, `array.join`, `math.format`, `date.to_string`, … (see docs/flow-language.md). A path is a value, not a function.");
    public static readonly DiagnosticDescriptor SingleBraces = new("FA1404", TemplateWarning, "Variable in single braces",
        "'{0}' is sent as it is written; to insert the value, write {{{{ {1} }}}}",
        "Templates insert values with double braces: `{{ contact.name }}`. Single braces are plain text, so the customer would read `{contact.name}` literally.");
    public static readonly DiagnosticDescriptor TemplateHandlebars = new("FA1405", TemplateError, "Handlebars or Liquid syntax in a template",
        "{0} is {1} syntax; in Scriban write {2}",
        "Templates were Handlebars before they were Scriban, and Liquid's filters look alike. Handlebars' helpers and blocks and Liquid's `| default: \"y\"` do not work in Scriban (most would print nothing or fail when sent), so each is an error that names its Scriban equivalent: `{{default x \"y\"}}` is `{{ x ?? \"y\" }}`, `{{#if x}}…{{else}}…{{/if}}` is `{{ if x }}…{{ else }}…{{ end }}`, `{{#each x}}{{this}}{{/each}}` is `{{ for item in x }}{{ item }}{{ end }}`, `{{upper x}}` is `{{ x | string.upcase }}`, `{{first_word x}}` is `{{ x | string.split \" \" | array.first }}`, `{{ x | default: \"y\" }}` is `{{ x ?? \"y\" }}`.");
    public static readonly DiagnosticDescriptor TemplatePathNotForTrigger = new("FA1406", TemplateWarning, "Template reads a path the trigger never sets",
        "'{0}' is never set when the trigger is '{1}'; it always renders as nothing",
        "Message paths exist for `message.received`, referral paths (`message.referral.*`) for `message.received` and `referral.received`, lead paths for `lead.submitted`, `event.tag` for `contact.tagged`. In a flow with another trigger such a value is always missing.");
    public static readonly DiagnosticDescriptor TemplateValueMayBeMissing = new("FA1407", TemplateWarning, "Template value may be missing",
        "'{0}' may be missing when the trigger is '{1}'{2}, and the customer would read an empty gap; give it a fallback: {{{{ {0} ?? \"{3}\" }}}}",
        "A reply that inserts a value which an event may not carry (a contact's name, which Infobip's inbound messages never carry; a form answer; a referral's ad) would send \"Hi , thanks\". Give the value a fallback (`{{ contact.name ?? \"there\" }}`), or print it only when it is there (`{{ if contact.name }}, {{ contact.name }}{{ end }}`). A value the flow's `when` (or the follow-up's `when`) requires is not flagged: `message.text: { contains: price }` proves the text is there. Which paths may be missing for each trigger is listed in docs/flow-language.md. `set` values are not checked: a missing value leaves the field empty.");
    public static readonly DiagnosticDescriptor TemplateNotAvailable = new("FA1408", TemplateError, "Not available in templates",
        "'{0}' is not available in templates: {1}",
        "A template sees only the flow's facts: no other templates (`include`), no HTML functions (chat text is plain text), no wall clock (`date.now`; use `now`, the engine's clock, virtual in a dry run), no random values (a dry run must send what the service sends), no code evaluated at run time (`object.eval`), and it cannot change the facts (use a `set` action).");
    public static readonly DiagnosticDescriptor TemplateArguments = new("FA1409", TemplateError, "Wrong number of arguments",
        "'{0}' takes {1}; it is given {2}",
        "A built-in function takes a fixed number of arguments. With a pipe (`x | string.truncate 20`), the value before `|` is the first argument.");
}
