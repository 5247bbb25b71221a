package dev.kade.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.protobuf.schema.FieldType;
import com.fasterxml.jackson.dataformat.protobuf.schema.ProtobufField;
import com.fasterxml.jackson.dataformat.protobuf.schema.ProtobufMessage;

/**
 * Completes the JSON object Jackson reads from a Protobuf payload so that it is what the message holds
 * (docs/input-formats.md "From Protobuf fields to features"): a proto3 singular scalar field without presence that
 * the writer left out because it held its default is put back with that default ({@code 0}, {@code 0.0},
 * {@code false}, {@code ""}, an enum's zero value), in nested messages too; an enum is its value's name. Fields with presence (proto2,
 * {@code optional}, {@code oneof} members), message fields and repeated fields stay absent when absent: a feature
 * read from one is then {@code missing_feature}, as for JSON. Stateless; thread-safe.
 */
final class ProtobufJson {
    private ProtobufJson() {
    }

    static void fillDefaults(ObjectNode node, ProtobufMessage message, ProtobufSchemaFile file) {
        for (ProtobufField f : message.fields()) {
            JsonNode present = node.get(f.name);
            if (f.repeated) {
                continue;
            }
            if (f.type == FieldType.MESSAGE) {
                if (present instanceof ObjectNode child && f.getMessageType() != null) {
                    fillDefaults(child, f.getMessageType(), file);
                }
                continue;
            }
            if (f.type == FieldType.ENUM) {
                enumName(node, f, present, file.implicitPresence(message.getName(), f.name));
                continue;
            }
            if (present != null || !file.implicitPresence(message.getName(), f.name)) {
                continue;
            }
            switch (f.type) {
                case DOUBLE, FLOAT -> node.put(f.name, 0.0);
                case BOOLEAN -> node.put(f.name, false);
                case STRING, BYTES -> node.put(f.name, "");
                default -> node.put(f.name, 0); // the integer kinds
            }
        }
    }

    /**
     * An enum as its value's name, as protobuf's JSON mapping and kade's Avro mapping write it (Jackson gives the name
     * for an enum whose numbers are not 0..n-1 but the number for one whose are); an implicit-presence enum left out
     * is its zero value's name.
     */
    private static void enumName(ObjectNode node, ProtobufField f, JsonNode present, boolean implicit) {
        if (present != null && present.isIntegralNumber()) {
            String name = f.findEnumByIndex(present.intValue());
            if (name != null) {
                node.put(f.name, name);
            }
        } else if (present == null && implicit) {
            String zero = f.findEnumByIndex(0);
            if (zero != null) {
                node.put(f.name, zero);
            } else {
                node.put(f.name, 0);
            }
        }
    }
}
