using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// How the database keeps documents: the conversation state, follow-up jobs and the events in the inbox, as JSON.
/// Every public settable property round-trips, so a property added to <see cref="ConversationState"/> is kept without
/// a migration (the state's writer, StoreJson.StateWriter.cs, must write it too: <c>StoreJsonStateTests</c> fails until it does). The collections come back with the comparers the model uses: tags and fields case-insensitive,
/// flow ids ordinal (<see cref="FlowFiringDictionary"/> brings its own converter).
/// </summary>
internal static partial class StoreJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The UTF-8 bytes of <see cref="Serialize{T}"/>'s text, for a column bound as UTF-8.</summary>
    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"stored {typeof(T).Name} is null");

    /// <summary>The state's JSON, written member by member (StoreJson.StateWriter.cs): the bytes <see cref="Serialize{T}"/> writes.</summary>
    public static string SerializeState(ConversationState state) => Encoding.UTF8.GetString(SerializeStateUtf8(state));

    /// <summary>
    /// <see cref="SerializeState"/>'s bytes as UTF-8, for SQLite to bind as text without a string between: valid until the
    /// thread writes its next state (the writer's buffer), or the serializer's own array when it must write it.
    /// </summary>
    public static ReadOnlySpan<byte> SerializeStateUtf8(ConversationState state) =>
        TryWriteStateUtf8(state, out var utf8) ? utf8 : SerializeToUtf8(state);

    public static ConversationState DeserializeState(string json, long version) => Deserialize<ConversationState>(json) with { Version = version };

    public static string SerializeJob(FollowUpJob job) => Serialize(job);

    public static FollowUpJob DeserializeJob(string json) => Deserialize<FollowUpJob>(json);

    public static string SerializeEvent(FlowEvent e) => Serialize(e);

    public static FlowEvent DeserializeEvent(string json) => Deserialize<FlowEvent>(json);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            IgnoreReadOnlyProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new IgnoreCaseSetConverter());
        options.Converters.Add(new IgnoreCaseMapConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class IgnoreCaseSetConverter : JsonConverter<ImmutableHashSet<string>>
    {
        public override ImmutableHashSet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, JsonSerializer.Deserialize<string[]>(ref reader) ?? []);

        public override void Write(Utf8JsonWriter writer, ImmutableHashSet<string> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Order(StringComparer.Ordinal).ToArray());
    }

    private sealed class IgnoreCaseMapConverter : JsonConverter<ImmutableDictionary<string, string>>
    {
        public override ImmutableDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ImmutableDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader) ?? []);

        public override void Write(Utf8JsonWriter writer, ImmutableDictionary<string, string> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new SortedDictionary<string, string>(value, StringComparer.Ordinal));
    }
}
