using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowAutomation.State;

/// <summary>
/// <see cref="FlowFiringDictionary"/> as a JSON object from flow id to time, in ordinal order of the ids: the bytes the stores
/// wrote for the <c>ImmutableDictionary</c> before it (a sorted dictionary through the serializer's own converters), so
/// that stored states read and write as they did.
/// </summary>
internal sealed class FlowFiringDictionaryJsonConverter : JsonConverter<FlowFiringDictionary>
{
    public override FlowFiringDictionary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FlowFiringDictionary.Create(JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(ref reader) ?? []);

    public override void Write(Utf8JsonWriter writer, FlowFiringDictionary value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (id, at) in value)
        {
            writer.WritePropertyName(id);
            writer.WriteStringValue(at);
        }

        writer.WriteEndObject();
    }
}
