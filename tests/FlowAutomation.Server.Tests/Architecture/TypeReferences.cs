using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace FlowAutomation.Server.Tests.Architecture;

/// <summary>
/// Which of an assembly's own types each of its top-level types uses, read from the compiled metadata: base type,
/// interfaces, generic constraints, fields, properties, method signatures, local variables and every token in every
/// method body. Nested types (lambdas' closures, async state machines, iterators) count for the top-level type that
/// declares them, so a reference hidden in a lambda is found too (NetArchTest.Rules 1.3.2 misses those).
/// </summary>
internal static class TypeReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>For each top-level type (full name) the full names of the assembly's other top-level types it uses.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Read(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var uses = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var owner = TopLevelName(reader, handle);
            if (!uses.TryGetValue(owner, out var set))
                uses[owner] = set = new HashSet<string>(StringComparer.Ordinal);
            var found = (HashSet<string>)set;
            var collector = new Collector(reader, found);
            collector.Type(handle, pe);
            found.Remove(owner);
        }
        return uses;
    }

    private static string TopLevelName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
            type = reader.GetTypeDefinition(outer);
        var ns = reader.GetString(type.Namespace);
        var name = reader.GetString(type.Name);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    private sealed class Collector(MetadataReader reader, HashSet<string> found) : ISignatureTypeProvider<int, object?>
    {
        public void Type(TypeDefinitionHandle handle, PEReader pe)
        {
            var type = reader.GetTypeDefinition(handle);
            Entity(type.BaseType);
            foreach (var implementation in type.GetInterfaceImplementations())
                Entity(reader.GetInterfaceImplementation(implementation).Interface);
            foreach (var parameter in type.GetGenericParameters())
                Constraints(parameter);
            foreach (var field in type.GetFields())
                reader.GetFieldDefinition(field).DecodeSignature(this, null);
            foreach (var property in type.GetProperties())
                reader.GetPropertyDefinition(property).DecodeSignature(this, null);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                method.DecodeSignature(this, null);
                foreach (var parameter in method.GetGenericParameters())
                    Constraints(parameter);
                if (method.RelativeVirtualAddress != 0)
                    Body(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }

        private void Constraints(GenericParameterHandle handle)
        {
            foreach (var constraint in reader.GetGenericParameter(handle).GetConstraints())
                Entity(reader.GetGenericParameterConstraint(constraint).Type);
        }

        private void Body(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short value = il.ReadByte();
                if (value == 0xFE)
                    value = unchecked((short)(0xFE00 | il.ReadByte()));
                var code = OpCodesByValue[value];
                switch (code.OperandType)
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    default:
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void Entity(EntityHandle handle)
        {
            if (handle.IsNil)
                return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    found.Add(TopLevelName(reader, (TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    found.Add(TopLevelName(reader, method.GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    found.Add(TopLevelName(reader, reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        member.DecodeMethodSignature(this, null);
                    else
                        member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method)
                        signature.DecodeMethodSignature(this, null);
                    break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            found.Add(TopLevelName(metadata, handle));
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public int GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetSZArrayType(int elementType) => 0;

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
    }
}
