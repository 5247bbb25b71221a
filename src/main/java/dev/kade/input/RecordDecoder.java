package dev.kade.input;

/**
 * Turns one input value into the JSON object bytes the feature reader reads. One per stream task (processor),
 * used on its thread only: implementations reuse buffers and are not thread-safe.
 */
public interface RecordDecoder {
    /**
     * The value as a JSON object's UTF-8 bytes (the same array when it already is JSON).
     *
     * @throws DecodeException when the value cannot be read; the record is then dead-lettered with the reason
     */
    byte[] toJson(byte[] value) throws DecodeException;
}
