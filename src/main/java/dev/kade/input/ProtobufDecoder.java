package dev.kade.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One task's Protobuf reader: the wire-format header, the writer's {@code .proto} file by id from the shared
 * {@link RegistrySchemas}, the message-index array ({@link MessageIndexes}) naming the message, the payload read by
 * that message into a JSON object (Jackson's Protobuf reader, completed by {@link ProtobufJson} for proto3 defaults)
 * and written as JSON bytes for the feature reader. Not thread-safe (one per task), though it keeps no buffers.
 */
final class ProtobufDecoder implements RecordDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySchemas<ProtobufSchemaFile> schemas;

    ProtobufDecoder(RegistrySchemas<ProtobufSchemaFile> schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
    }

    @Override
    public byte[] toJson(byte[] value) throws DecodeException {
        int id = WireFormat.schemaId(value);
        ProtobufSchemaFile file = schemas.schema(id);
        MessageIndexes.Read indexes = MessageIndexes.read(value, WireFormat.PAYLOAD_OFFSET);
        ProtobufSchemaFile.Message message = file.message(indexes.path());
        JsonNode node;
        try {
            // a copy: Jackson's Protobuf parser misreads a byte range that does not start at 0 (2.23.0)
            node = message.reader().readValue(Arrays.copyOfRange(value, indexes.payloadOffset(), value.length));
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(InputError.UNDECODABLE, "payload does not decode as message " + message.name()
                    + " of schema " + id + ": " + firstLine(e.getMessage()));
        } catch (OutOfMemoryError e) {
            // a corrupt length prefix can ask for a huge array: that is this record's fault, not the JVM's state
            throw new DecodeException(InputError.UNDECODABLE, "payload names a length larger than memory under schema " + id);
        }
        ObjectNode object = node instanceof ObjectNode o ? o : JSON.createObjectNode(); // an empty payload: all defaults
        ProtobufJson.fillDefaults(object, message.schema().getRootType(), file);
        try {
            return JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new DecodeException(InputError.UNDECODABLE, "message of schema " + id + " cannot be written as JSON: " + e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
