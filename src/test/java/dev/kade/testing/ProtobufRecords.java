package dev.kade.testing;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.kade.input.WireFormat;
import java.io.ByteArrayOutputStream;

/**
 * Protobuf records as a producer's registry serializer writes them (Confluent's wire format: magic byte, schema id,
 * message-index array, payload), for the test model's features, encoded by protobuf-java itself
 * ({@link DynamicMessage} over a descriptor built here to match {@link #PROTO}), independently of the Jackson reader
 * kade decodes with. Being proto3, protobuf-java leaves out a field that holds its default (a {@code cpu} of 0.0),
 * as any real producer does. The file's second top-level message, {@code Envelope}, nests a copy of the metric
 * ({@code Envelope.Inner}), reached by the message-index path {@code [1, 0]}.
 */
public final class ProtobufRecords {
    /** The schema as registered: proto3, a nested message, an explicit-presence field, a oneof, a second message. */
    public static final String PROTO = """
            syntax = "proto3";
            package dev.kade.test;

            message Metric {
              double cpu = 1;
              Memory memory = 2;
              optional double latency_ms = 3;
              string host = 4;
              oneof extra { double spare = 5; string note = 6; }
              Level level = 7;
              message Memory { double used = 1; }
              enum Level { LOW = 0; HIGH = 1; }
            }

            message Envelope {
              string source = 1;
              message Inner { double cpu = 1; double memory_used = 2; double latency_ms = 3; }
            }
            """;

    private static final Descriptors.Descriptor METRIC;
    private static final Descriptors.Descriptor INNER;

    static {
        FieldDescriptorProto.Type dbl = FieldDescriptorProto.Type.TYPE_DOUBLE;
        DescriptorProto memory = DescriptorProto.newBuilder().setName("Memory").addField(field("used", 1, dbl)).build();
        DescriptorProto metric = DescriptorProto.newBuilder().setName("Metric")
                .addField(field("cpu", 1, dbl))
                .addField(field("memory", 2, FieldDescriptorProto.Type.TYPE_MESSAGE).toBuilder()
                        .setTypeName(".dev.kade.test.Metric.Memory"))
                .addField(field("latency_ms", 3, dbl).toBuilder().setProto3Optional(true).setOneofIndex(1))
                .addField(field("host", 4, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("spare", 5, dbl).toBuilder().setOneofIndex(0))
                .addField(field("note", 6, FieldDescriptorProto.Type.TYPE_STRING).toBuilder().setOneofIndex(0))
                .addField(field("level", 7, FieldDescriptorProto.Type.TYPE_ENUM).toBuilder()
                        .setTypeName(".dev.kade.test.Metric.Level"))
                .addEnumType(EnumDescriptorProto.newBuilder().setName("Level")
                        .addValue(EnumValueDescriptorProto.newBuilder().setName("LOW").setNumber(0))
                        .addValue(EnumValueDescriptorProto.newBuilder().setName("HIGH").setNumber(1)))
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("extra"))
                .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_latency_ms"))
                .addNestedType(memory).build();
        DescriptorProto inner = DescriptorProto.newBuilder().setName("Inner").addField(field("cpu", 1, dbl))
                .addField(field("memory_used", 2, dbl)).addField(field("latency_ms", 3, dbl)).build();
        DescriptorProto envelope = DescriptorProto.newBuilder().setName("Envelope")
                .addField(field("source", 1, FieldDescriptorProto.Type.TYPE_STRING)).addNestedType(inner).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("metric.proto").setSyntax("proto3")
                .setPackage("dev.kade.test").addMessageType(metric).addMessageType(envelope).build();
        try {
            Descriptors.FileDescriptor fd = Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]);
            METRIC = fd.findMessageTypeByName("Metric");
            INNER = fd.findMessageTypeByName("Envelope").findNestedTypeByName("Inner");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ProtobufRecords() {
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }

    /** A {@code Metric}'s payload; {@code latencyMs} null to leave the explicit-presence field unset; level HIGH when cpu > 5. */
    public static byte[] metric(double cpu, double memoryUsed, Double latencyMs, String host) {
        DynamicMessage memory = DynamicMessage.newBuilder(METRIC.findNestedTypeByName("Memory"))
                .setField(METRIC.findNestedTypeByName("Memory").findFieldByName("used"), memoryUsed).build();
        DynamicMessage.Builder b = DynamicMessage.newBuilder(METRIC)
                .setField(METRIC.findFieldByName("cpu"), cpu)
                .setField(METRIC.findFieldByName("memory"), memory)
                .setField(METRIC.findFieldByName("host"), host)
                .setField(METRIC.findFieldByName("note"), "oneof branch")
                .setField(METRIC.findFieldByName("level"), METRIC.findEnumTypeByName("Level").findValueByNumber(cpu > 5 ? 1 : 0));
        if (latencyMs != null) {
            b.setField(METRIC.findFieldByName("latency_ms"), latencyMs);
        }
        return b.build().toByteArray();
    }

    /** An {@code Envelope.Inner}'s payload (message-index path [1, 0]). */
    public static byte[] inner(double cpu, double memoryUsed, double latencyMs) {
        return DynamicMessage.newBuilder(INNER).setField(INNER.findFieldByName("cpu"), cpu)
                .setField(INNER.findFieldByName("memory_used"), memoryUsed)
                .setField(INNER.findFieldByName("latency_ms"), latencyMs).build().toByteArray();
    }

    /** The payload in the wire format under {@code schemaId}, for the message at {@code path} ([0]: a lone 0 byte). */
    public static byte[] framed(int schemaId, byte[] payload, int... path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (path.length == 0 || (path.length == 1 && path[0] == 0)) {
            out.write(0);
        } else {
            zigzag(out, path.length);
            for (int p : path) {
                zigzag(out, p);
            }
        }
        out.writeBytes(payload);
        return WireFormat.frame(schemaId, out.toByteArray());
    }

    /** Confluent's encoding of one index: a zigzag varint (written here by hand, as its serializer's ByteUtils does). */
    private static void zigzag(ByteArrayOutputStream out, int v) {
        int z = (v << 1) ^ (v >> 31);
        while ((z & ~0x7f) != 0) {
            out.write((z & 0x7f) | 0x80);
            z >>>= 7;
        }
        out.write(z);
    }
}
