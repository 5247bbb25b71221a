package dev.kade.input;

/**
 * The message-index array of Confluent's Protobuf wire format, between the 5-byte header and the payload: which
 * message of the registered {@code .proto} file the payload is. A count, then that many indexes, each a zigzag
 * varint; the first index picks a top-level message in declaration order, each next one a message nested in it. A
 * lone {@code 0} byte (count zero) is the common case and means the first message, {@code [0]}.
 */
final class MessageIndexes {
    /** A path deeper than this is refused: no real schema nests messages 32 deep, and it bounds the work. */
    static final int MAX_DEPTH = 32;

    /** The path and where the payload after it starts. */
    record Read(int[] path, int payloadOffset) {
    }

    private static final int[] FIRST = {0};

    private MessageIndexes() {
    }

    /**
     * Reads the array starting at {@code offset}.
     *
     * @throws DecodeException ({@link InputError#BAD_MESSAGE_INDEX}) when it is truncated, negative, too deep or a
     *                         varint is longer than 5 bytes
     */
    static Read read(byte[] value, int offset) throws DecodeException {
        int[] pos = {offset};
        int count = zigzag(value, pos);
        if (count == 0) {
            return new Read(FIRST, pos[0]);
        }
        if (count < 0 || count > MAX_DEPTH) {
            throw new DecodeException(InputError.BAD_MESSAGE_INDEX, "message-index count " + count + " is not in 0.."
                    + MAX_DEPTH);
        }
        int[] path = new int[count];
        for (int i = 0; i < count; i++) {
            path[i] = zigzag(value, pos);
            if (path[i] < 0) {
                throw new DecodeException(InputError.BAD_MESSAGE_INDEX, "message index " + path[i] + " is negative");
            }
        }
        return new Read(path, pos[0]);
    }

    private static int zigzag(byte[] value, int[] pos) throws DecodeException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= value.length) {
                throw new DecodeException(InputError.BAD_MESSAGE_INDEX, "message-index array is cut off after "
                        + (pos[0] - WireFormat.PAYLOAD_OFFSET) + " bytes");
            }
            byte b = value[pos[0]++];
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new DecodeException(InputError.BAD_MESSAGE_INDEX, "message-index varint longer than 5 bytes");
    }
}
