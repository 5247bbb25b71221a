package dev.kade.input;

/**
 * The schema-registry wire format that Confluent's serializers write and Apicurio (with its Confluent-compatible
 * id handler) and Karapace read and write: byte 0 is the magic byte {@value #MAGIC}, bytes 1-4 the schema id as a
 * big-endian int, the rest the payload (for Avro, the binary encoding of one datum by that writer schema).
 */
public final class WireFormat {
    public static final byte MAGIC = 0;
    /** Where the payload starts. */
    public static final int PAYLOAD_OFFSET = 5;

    private WireFormat() {
    }

    /**
     * The schema id a value names.
     *
     * @throws DecodeException ({@link InputError#NOT_WIRE_FORMAT}) when the value is too short or has another first byte
     */
    public static int schemaId(byte[] value) throws DecodeException {
        if (value == null || value.length < PAYLOAD_OFFSET) {
            throw new DecodeException(InputError.NOT_WIRE_FORMAT, "value of " + (value == null ? 0 : value.length)
                    + " bytes is shorter than the wire format's 5-byte header (magic byte 0, 4-byte schema id)");
        }
        if (value[0] != MAGIC) {
            throw new DecodeException(InputError.NOT_WIRE_FORMAT, String.format("first byte is 0x%02x, not the wire format's"
                    + " magic byte 0x00 (is the topic JSON? set input.format=json)", value[0] & 0xff));
        }
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }

    /** The wire-format header for {@code schemaId} followed by {@code payload} (what a producer's serializer writes). */
    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] out = new byte[PAYLOAD_OFFSET + payload.length];
        out[0] = MAGIC;
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
        System.arraycopy(payload, 0, out, PAYLOAD_OFFSET, payload.length);
        return out;
    }
}
