package dev.kade.input;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.protobuf.ProtobufMapper;
import com.fasterxml.jackson.dataformat.protobuf.protoparser.protoparser.FieldElement;
import com.fasterxml.jackson.dataformat.protobuf.protoparser.protoparser.MessageElement;
import com.fasterxml.jackson.dataformat.protobuf.protoparser.protoparser.OneOfElement;
import com.fasterxml.jackson.dataformat.protobuf.protoparser.protoparser.ProtoFile;
import com.fasterxml.jackson.dataformat.protobuf.protoparser.protoparser.TypeElement;
import com.fasterxml.jackson.dataformat.protobuf.schema.NativeProtobufSchema;
import com.fasterxml.jackson.dataformat.protobuf.schema.ProtobufSchema;
import com.fasterxml.jackson.dataformat.protobuf.schema.ProtobufSchemaLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registered {@code .proto} file, parsed at run time by jackson-dataformat-protobuf's schema loader (its bundled
 * protoparser): the messages a wire-format message-index path can name, each resolved once into a reader of its
 * binary encoding, and what proto3's implicit presence means for the JSON kade scores.
 *
 * <p>Why the presence sets: proto3 does not write a singular scalar field that holds its default (a {@code cpu}
 * of {@code 0.0} is absent from the bytes), and Jackson's reader then leaves it out of the JSON, which would make a
 * zero a {@code missing_feature}. {@link ProtobufJson} therefore puts the default back for such fields, and not for
 * those that have presence: members of a {@code oneof} and fields declared {@code optional} in a proto3 file (the
 * loader rewrites every proto3 field as optional, so explicit ones are found by scanning the registered text, per
 * message), nor for any field of a proto2 file. Messages are told apart by simple name: two nested messages of the
 * same name in one file share their presence sets.
 *
 * <p>Thread-safe: stream threads share one file through {@link RegistrySchemas}; message readers are resolved once per
 * path.
 */
public final class ProtobufSchemaFile {
    private static final ProtobufMapper MAPPER = new ProtobufMapper();
    /** Comments, a block that opens (a message's name kept), a block that closes, an explicit optional field. */
    private static final Pattern SCAN = Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"(?:[^\"\\\\]|\\\\.)*\""
            + "|\\bmessage\\s+(\\w+)\\s*\\{|\\{|\\}|\\boptional\\s+[\\w.]+\\s+(\\w+)\\s*=", Pattern.DOTALL);

    /** One message of the file: its name, its Jackson schema and a reader bound to it. */
    record Message(String name, ProtobufSchema schema, ObjectReader reader) {
    }

    private final int id;
    private final ProtoFile file;
    private final boolean proto3;
    private final List<MessageElement> top;
    private final Set<String> withPresence = new HashSet<>();
    private final Map<String, Object> resolved = new ConcurrentHashMap<>();

    private ProtobufSchemaFile(int id, String text, ProtoFile file) {
        this.id = id;
        this.file = file;
        this.proto3 = file.syntax() == ProtoFile.Syntax.PROTO_3;
        this.top = messages(file.typeElements());
        explicitOptionals(text);
        collectOneOfs(top);
    }

    /**
     * The registry's answer as a {@code .proto} file.
     *
     * @throws DecodeException ({@link InputError#UNKNOWN_SCHEMA}) when it is not Protobuf, does not parse or has no message
     */
    public static ProtobufSchemaFile parse(int id, SchemaRegistryClient.RegisteredSchema r) throws DecodeException {
        if (!"PROTOBUF".equalsIgnoreCase(r.type())) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " is " + r.type()
                    + ", and input.format=protobuf reads Protobuf schemas only");
        }
        ProtoFile file;
        try {
            file = ProtobufSchemaLoader.std._loadNative(r.schema());
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " does not parse as a .proto file: "
                    + e.getMessage());
        }
        ProtobufSchemaFile parsed = new ProtobufSchemaFile(id, r.schema(), file);
        if (parsed.top.isEmpty()) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " declares no message");
        }
        return parsed;
    }

    /** Whether a field of this file is read back with its default when absent (proto3 implicit presence). */
    boolean implicitPresence(String message, String field) {
        return proto3 && !withPresence.contains(message + "." + field);
    }

    /**
     * Finds the fields declared {@code optional} in the registered text, each under the (simple) name of the message
     * it sits in: a scan that skips comments and strings and keeps a stack of the blocks it is in.
     */
    private void explicitOptionals(String text) {
        java.util.ArrayDeque<String> blocks = new java.util.ArrayDeque<>();
        Matcher m = SCAN.matcher(text);
        while (m.find()) {
            String token = m.group();
            if (m.group(1) != null) {
                blocks.push(m.group(1));
            } else if (token.equals("{")) {
                blocks.push("");
            } else if (token.equals("}")) {
                blocks.poll();
            } else if (m.group(2) != null && !blocks.isEmpty() && !blocks.peek().isEmpty()) {
                withPresence.add(blocks.peek() + "." + m.group(2));
            }
        }
    }

    /**
     * The message a message-index path names.
     *
     * @throws DecodeException {@link InputError#BAD_MESSAGE_INDEX} when the file has no such message,
     *                         {@link InputError#UNKNOWN_SCHEMA} when the message's types do not resolve
     */
    Message message(int[] path) throws DecodeException {
        String key = Arrays.toString(path);
        Object r = resolved.computeIfAbsent(key, k -> resolve(path));
        if (r instanceof DecodeException e) {
            throw new DecodeException(e.error(), e.getMessage());
        }
        return (Message) r;
    }

    private Object resolve(int[] path) {
        List<MessageElement> level = top;
        List<TypeElement> scope = new ArrayList<>(file.typeElements());
        MessageElement target = null;
        for (int i = 0; i < path.length; i++) {
            if (path[i] >= level.size()) {
                return new DecodeException(InputError.BAD_MESSAGE_INDEX, "message index " + Arrays.toString(path)
                        + " names no message of schema " + id + " (" + level.size() + " at depth " + i + ")");
            }
            target = level.get(path[i]);
            scope.addAll(target.nestedElements());
            level = messages(target.nestedElements());
        }
        try {
            // the target first, then every type in the scopes it sits in, so that its references resolve by name
            List<TypeElement> types = new ArrayList<>();
            types.add(target);
            for (TypeElement t : scope) {
                if (t != target) {
                    types.add(t);
                }
            }
            NativeProtobufSchema nat = new NativeProtobufSchema("schema-" + id, types, proto3) {
            };
            ProtobufSchema schema = nat.forType(target.name());
            return new Message(target.name(), schema, MAPPER.readerFor(JsonNode.class).with(schema));
        } catch (RuntimeException e) {
            return new DecodeException(InputError.UNKNOWN_SCHEMA, "message " + target.name() + " of schema " + id
                    + " does not resolve: " + e.getMessage());
        }
    }

    private void collectOneOfs(List<MessageElement> messages) {
        for (MessageElement m : messages) {
            for (OneOfElement o : m.oneOfs()) {
                for (FieldElement f : o.fields()) {
                    withPresence.add(m.name() + "." + f.name());
                }
            }
            collectOneOfs(messages(m.nestedElements()));
        }
    }

    private static List<MessageElement> messages(List<TypeElement> types) {
        List<MessageElement> out = new ArrayList<>();
        for (TypeElement t : types) {
            if (t instanceof MessageElement m) {
                out.add(m);
            }
        }
        return out;
    }
}
