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
 * {@code false}, {@code ""}, an enum's number {@code 0}), in nested messages too. Fields with presence (proto2,
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
            if (present != null || !file.implicitPresence(message.getName(), f.name)) {
                continue;
            }
            switch (f.type) {
                case DOUBLE, FLOAT -> node.put(f.name, 0.0);
                case BOOLEAN -> node.put(f.name, false);
                case STRING, BYTES -> node.put(f.name, "");
                default -> node.put(f.name, 0); // the integer kinds, and an enum's first (zero) value
            }
        }
    }
}
