using System.Reflection;

namespace FlowAutomation.Diagnostics;

/// <summary>
/// Every diagnostic the product reports. Codes are stable: never renumber, only add.
/// FA0xxx documents and YAML, FA1xxx the flow language, FA14xx templates, FA2xxx the messaging policy,
/// FA3xxx scenarios.
/// </summary>
public static partial class DiagnosticCodes
{
    private const DiagnosticSeverity E = DiagnosticSeverity.Error;
    private const DiagnosticSeverity W = DiagnosticSeverity.Warning;

    // FA0xxx: files and YAML
    public static readonly DiagnosticDescriptor YamlSyntax = new("FA0001", E, "YAML syntax error",
        "YAML syntax error: {0}",
        "The file is not valid YAML. Check indentation (spaces, never tabs), unclosed quotes and brackets, and that a `key: value` pair has a space after the colon.");
    public static readonly DiagnosticDescriptor TooDeep = new("FA0002", E, "Nesting too deep",
        "the document nests deeper than {0} levels",
        "Flows never need deep nesting; a document this deep is refused before it is read, so that a malformed or hostile file cannot exhaust the loader.");
    public static readonly DiagnosticDescriptor AliasBomb = new("FA0003", E, "Aliases expand too far",
        "anchors and aliases expand to more than {0} nodes; refused",
        "YAML aliases (`*name`) repeat an anchored node. A document whose aliases expand to a huge tree (a \"billion laughs\" alias bomb) is refused. Use anchors sparingly, for a shared condition or action list.");
    public static readonly DiagnosticDescriptor FileTooLarge = new("FA0004", E, "File too large",
        "the file is {0} bytes; flow and scenario files are limited to {1} bytes",
        "A flow file holds a handful of flows; a file larger than the limit is refused unread. Split large sets into several files.");
    public static readonly DiagnosticDescriptor FileUnreadable = new("FA0005", E, "File cannot be read",
        "cannot read the file: {0}",
        "The path does not exist, is not a file, or cannot be opened.");
    public static readonly DiagnosticDescriptor NotAMapping = new("FA0006", E, "Document is not a mapping",
        "a {0} must be a mapping of keys to values, found {1}",
        "Each YAML document (separated by `---`) holds one flow: a mapping that starts with `flow: <id>`.");
    public static readonly DiagnosticDescriptor DuplicateKey = new("FA0007", E, "Duplicate key",
        "duplicate key '{0}'; the first is at line {1}",
        "A key may appear once in a mapping. YAML would silently keep only one of the two values, so it is an error here. The second entry is left out so that the rest of the file is still checked. A second `flow:` in one document usually means a missing `---` line between two flows: it is reported once, and the rest of that document is left out.");
    public static readonly DiagnosticDescriptor NoFlowFiles = new("FA0008", W, "No flow files",
        "no *.yaml or *.yml files were found in '{0}'",
        "The folder given holds no flow files. Flow files end in `.yaml` or `.yml`.");
    public static readonly DiagnosticDescriptor NotUtf8 = new("FA0009", E, "File is not UTF-8",
        "the file is not UTF-8 text: the byte {0} here cannot be read; save the file with the UTF-8 encoding",
        "Flow files are UTF-8 text (UTF-16 with a byte order mark is accepted too). A file saved in another encoding, or a binary file, is refused at its first unreadable byte.");
    public static readonly DiagnosticDescriptor NoFlows = new("FA0010", W, "File holds no flow",
        "the file holds no flow; a flow starts with 'flow: <id>'",
        "The file is empty or holds only comments (or empty documents between `---`). Write a flow in it, or remove it from the flows folder.");

    // FA10xx: flow structure
    public static readonly DiagnosticDescriptor UnknownKey = new("FA1001", E, "Unknown key",
        "unknown key '{0}' in {1}{2}",
        "The key is not part of the flow language at this place. Check its spelling; the message suggests the nearest known key.");
    public static readonly DiagnosticDescriptor MissingKey = new("FA1002", E, "Missing key",
        "{0} is missing the required key '{1}'",
        "A required key is absent: a flow needs `flow`, `on` and `then`; a follow-up needs `after` and `then`; `business_hours` needs `from` and `to`. When a misspelt key stands where the missing one should be, only the misspelling is reported, with the suggestion.");
    public static readonly DiagnosticDescriptor WrongType = new("FA1003", E, "Wrong value type",
        "'{0}' must be {1}, found {2}",
        "The value has the wrong shape: a list where a single value is expected, a mapping where a text is expected, a word where a number is expected.");
    public static readonly DiagnosticDescriptor InvalidFlowId = new("FA1004", E, "Invalid flow id",
        "invalid flow id '{0}': use lower-case letters, digits and '-', starting with a letter or digit, at most 64 characters{1}",
        "Flow ids appear in logs, traces and scenario expectations. They match `^[a-z0-9][a-z0-9-]{0,63}$`, for example `price-inquiry`.");
    public static readonly DiagnosticDescriptor DuplicateFlowId = new("FA1005", E, "Duplicate flow id",
        "flow id '{0}' is already used at {1}",
        "Flow ids are unique across every file loaded together. Rename one of the two flows.");
    public static readonly DiagnosticDescriptor InvalidValue = new("FA1006", E, "Invalid value",
        "invalid value '{0}' for '{1}'; expected {2}",
        "The value is of the right type but not one the key accepts; the message lists what is accepted.");
    public static readonly DiagnosticDescriptor UnknownTrigger = new("FA1101", E, "Unknown trigger",
        "unknown trigger '{0}'{1}",
        "`on` names the event that starts the flow: `message.received`, `lead.submitted`, `referral.received` or `contact.tagged`.");
    public static readonly DiagnosticDescriptor BusinessInitiatedTrigger = new("FA1102", E, "Business-initiated trigger",
        "trigger '{0}' would let the business speak first; TikTok only allows replies to a customer who wrote within the last 48 hours, so flows can only react to customer events",
        "TikTok Business Messaging forbids first messages and broadcasts: a business may only reply within 48 hours of the customer's latest message. Schedules, broadcasts and campaigns to a contact list cannot be expressed. Use `follow_up` inside a flow triggered by the customer instead.");
    public static readonly DiagnosticDescriptor UnreachableAction = new("FA1103", W, "Unreachable action",
        "this action comes after 'stop' and never runs",
        "`stop` ends the flow's actions (and halts lower-priority flows for the event). Move the action before `stop` or remove it. The warning stands at the first action after `stop`.");
    public static readonly DiagnosticDescriptor DisabledFlow = new("FA1104", W, "Flow disabled",
        "flow '{0}' is disabled and will not run",
        "`enabled: false` keeps the flow in the set, checked but never run.");

    // FA12xx: conditions
    public static readonly DiagnosticDescriptor UnknownPath = new("FA1201", E, "Unknown path",
        "unknown path '{0}'{1}",
        "Conditions and templates read the event and the contact through paths such as `message.text`, `contact.tags` or `lead.fields.email`. See the list of paths in docs/flow-language.md.");
    public static readonly DiagnosticDescriptor ConditionShape = new("FA1202", E, "Malformed condition",
        "{0}",
        "A condition is `<path>: <value>` (equals), `<path>: { <operator>: <value> }`, or `all`, `any`, `not`, `business_hours`. `whole_word` stands only beside a keyword operator.");
    public static readonly DiagnosticDescriptor UnknownOperator = new("FA1203", E, "Unknown operator",
        "unknown operator '{0}'{1}",
        "Operators: equals, not_equals, in, not_in, contains, contains_any, contains_all, not_contains, starts_with, ends_with, matches, exists, gt, gte, lt, lte, has, has_any, lacks. Names from other tools (`is`, `eq`, `includes`, `regex`, `>`) are answered with the operator that means the same. Inside `{ }` a comma separates entries, so `{ lt: 1,000 }` is read as `lt: 1` and an operator `000`: write `1000`.");
    public static readonly DiagnosticDescriptor OperatorNotApplicable = new("FA1204", E, "Operator does not apply",
        "operator '{0}' does not apply to '{1}', which is {2}; use {3}",
        "Each path has a type (text, number, yes/no, duration, set of tags). Set operators (`has`, `has_any`, `lacks`) apply to tag sets; `gt`/`lt` to numbers, durations, and the text paths that hold numbers people type (`lead.fields.<name>`, `contact.fields.<name>`, `message.text`), which they read as numbers; keyword operators to text; `exists` to every path. Other text paths (names, ids, codes) are not quantities: `contact.name: { gt: 20 }` is refused.");
    public static readonly DiagnosticDescriptor InvalidRegex = new("FA1205", E, "Invalid regular expression",
        "invalid regular expression: {0}",
        "`matches` takes a .NET regular expression. It runs case-insensitively and with a time limit.");
    public static readonly DiagnosticDescriptor InvalidOperand = new("FA1206", E, "Invalid operand",
        "operator '{0}' needs {1}",
        "The value given to the operator has the wrong shape: `equals`, `contains` and the other single-value operators take one value, `in` and `contains_any` take a list (or one value), `gt` takes a number or (for durations) a duration, `exists` and tests of yes/no paths take true or false.");
    public static readonly DiagnosticDescriptor PathNotForTrigger = new("FA1207", W, "Path never set for this trigger",
        "'{0}' is never set when the trigger is '{1}'; this condition never holds",
        "Message paths exist for `message.received`, referral paths (`message.referral.*`) for `message.received` and `referral.received`, lead paths for `lead.submitted`, `event.tag` for `contact.tagged`. A condition on a path that the trigger never sets is always false, unless it tests absence (`exists: false`, `not_equals`, `not_in`, `not_contains`), which is then always true.");
    public static readonly DiagnosticDescriptor OperatorAsText = new("FA1208", W, "Operator written as text",
        "'{0}' is compared as a whole text; to use the operator '{1}', write {{ {1}: {2} }}",
        "A plain value after a path means `equals` (or `has` for tags), so `message.text: contains price` matches only the exact text \"contains price\". Put the operator in braces: `message.text: { contains: price }`.");
    public static readonly DiagnosticDescriptor BadDay = new("FA1210", E, "Invalid day",
        "invalid day '{0}'; use mon, tue, wed, thu, fri, sat or sun{1}",
        "`business_hours.days` lists three-letter day names, in any case. Groups such as `weekdays` or `weekend` are not day names: list the days.");
    public static readonly DiagnosticDescriptor BadTime = new("FA1211", E, "Invalid time",
        "invalid time '{0}'; use 24-hour HH:MM, for example \"09:00\"",
        "`business_hours.from` and `to` are 24-hour times written \"HH:MM\" (quote them). `to: \"24:00\"` means midnight at the end of the day; a `from` later than `to` spans midnight.");
    public static readonly DiagnosticDescriptor BadTimeZone = new("FA1212", E, "Unknown time zone",
        "unknown time zone '{0}'{1}",
        "`business_hours.tz` is an IANA time zone name such as `Asia/Singapore`, `Europe/London` or `UTC`. Abbreviations such as `SGT` or `PST` are not zone names; the message suggests the zone most likely meant.");
    public static readonly DiagnosticDescriptor EmptyGroup = new("FA1213", E, "Empty condition group",
        "'{0}' needs at least one condition",
        "`all` and `any` take a list of one or more conditions.");

    // FA13xx: actions
    public static readonly DiagnosticDescriptor UnknownAction = new("FA1301", E, "Unknown action",
        "unknown action '{0}'{1}",
        "Actions: tag, untag, assign, unassign, reply, set, follow_up, report_spam, close, stop.");
    public static readonly DiagnosticDescriptor ActionShape = new("FA1302", E, "Malformed action",
        "{0}",
        "Each item of `then` is a mapping with exactly one action key, for example `- tag: vip` or `- reply: { text: \"Hi\" }`. `unassign`, `report_spam`, `close` and `stop` may stand alone (`- close`) or take `true`.");
    public static readonly DiagnosticDescriptor ReplyContent = new("FA1303", E, "Reply content",
        "a reply needs exactly one of 'text', 'image' or 'share_post', found {0}",
        "A TikTok message is either a text, an image or a shared post. Send two replies to send two kinds.");
    public static readonly DiagnosticDescriptor InvalidDuration = new("FA1304", E, "Invalid duration",
        "invalid duration '{0}'; {1}",
        "Durations are written `30s`, `5m`, `2h`, `1d`, `1h30m` (units from the largest down, each once), or in ISO 8601 (`PT2H`, `P1D`). They must be greater than zero and at most 3650 days.");
    public static readonly DiagnosticDescriptor InvalidName = new("FA1305", E, "Invalid name",
        "invalid {0} '{1}': {2}",
        "Tags, agents and teams are short identifiers such as `price-asked` or `sales`: letters, digits, '-', '_' and '.', starting with a letter or digit, at most 64 characters. Field names (`set`, `contact.fields.<name>`) use letters, digits, '-' and '_' only, at most 64 characters.");
    public static readonly DiagnosticDescriptor EmptyActions = new("FA1306", E, "No actions",
        "'{0}' needs at least one action",
        "A flow or follow-up with nothing to do is almost always a mistake.");

    // FA14xx: templates, in DiagnosticCodes.Templates.cs

    // FA2xxx: messaging policy
    public static readonly DiagnosticDescriptor FollowUpPastWindowImpossible = new("FA2001", E, "Follow-up can never be sent",
        "this follow-up sends {0} after the customer's message, at or past the {1} reply window; with 'unless: customer_replied' it can never be delivered",
        "TikTok lets a business reply only within the reply window (48 hours in the default profile) after the customer's latest message. A follow-up cancelled when the customer replies can only fire when the window has already closed, so the guard would refuse every message it sends. The delays of nested follow-ups add up (shown as `48h (24h + 24h)`). Shorten `after`.");
    public static readonly DiagnosticDescriptor FollowUpPastWindow = new("FA2002", W, "Follow-up may be refused",
        "this follow-up sends {0} after the customer's message, at or past the {1} reply window; it is delivered only if the customer writes again before it fires",
        "Without `unless: customer_replied` the follow-up fires anyway; the guard allows it only if the customer wrote again in the meantime, so that the window is open.");
    public static readonly DiagnosticDescriptor TooManyReplies = new("FA2003", E, "Too many replies",
        "flow '{0}' can send {1} messages before the customer can answer; the policy allows {2} per reply window, so this reply and those after it would be refused",
        "A flow's replies, including its follow-ups within the reply window, all count against one reply window until the customer writes again (10 messages in the default profile). The diagnostic points at the first reply over the quota, counting in the order the replies go out. Follow-ups that fire after the window closes are checked by FA2001 and FA2002 instead.");
    public static readonly DiagnosticDescriptor TextTooLong = new("FA2004", E, "Text too long",
        "the text is {0} characters; TikTok accepts at most {1}",
        "Text messages are limited (6,000 characters in the default profile), counted as a person sees them: an emoji is one character. For a template, the text it renders whatever the values are is counted: its literal text, taking the shorter branch of each `if` and no turn of a loop, so a template that can fit is never refused.");
    public static readonly DiagnosticDescriptor TextEmpty = new("FA2005", E, "Text empty",
        "the text is empty; TikTok does not send empty messages",
        "A reply's text must contain at least one character that is not a space. A template that may render empty (`{{ contact.name }}` alone) is not refused here (FA1407 warns that the value may be missing); the guard refuses it when it is sent.");
    public static readonly DiagnosticDescriptor ImageUrlInvalid = new("FA2006", E, "Image URL invalid",
        "'{0}' is not an http or https URL",
        "Images are sent by URL; the provider fetches them over http or https.");
    public static readonly DiagnosticDescriptor ImageFormat = new("FA2007", E, "Image format not supported",
        "image '{0}' is not one of the formats the policy allows ({1})",
        "The default profile allows JPG and PNG (by the URL's extension). An operator can allow more in the policy profile.");
    public static readonly DiagnosticDescriptor SharePostInvalid = new("FA2008", E, "Share post id invalid",
        "'{0}' is not a TikTok post id{1}",
        "`share_post` takes the id of one of the business's own TikTok posts (letters, digits, '-' and '_'), such as the digits at the end of the video's URL, not the URL itself.");
    public static readonly DiagnosticDescriptor ValidityTooLong = new("FA2009", E, "Validity too long",
        "validity {0} is longer than the {1} the policy allows",
        "A message not delivered within its validity is dropped. TikTok and the providers accept at most 48 hours.");
    public static readonly DiagnosticDescriptor TagCycle = new("FA2010", E, "Tag cycle",
        "flows tag each other in a cycle: {0}",
        "A `tag` action raises `contact.tagged`. When flows triggered by tags add tags that trigger each other again, one message could start an endless chain of actions.");

    /// <summary>Every descriptor, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All => AllCodes.Value;

    // Lazy: the descriptors live in several partial files, whose static fields initialise in no fixed order.
    private static readonly Lazy<IReadOnlyList<DiagnosticDescriptor>> AllCodes = new(() =>
    [
        .. typeof(DiagnosticCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal),
    ]);
}
