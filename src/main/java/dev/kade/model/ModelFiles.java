package dev.kade.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The one place for how kade handles a model file on disk, shared by serving ({@code onnx}), hot reload
 * ({@code app}) and export ({@code export}): where a foreign model's sidecar lies, how large a file kade
 * reads, how it reads one without trusting its size, how it names content (SHA-256), and how a resource is
 * closed while a load is already failing.
 */
public final class ModelFiles {
    /** Largest model file (or sidecar, or decoder graph) read by default: 256 MiB, the default of {@code model.max.bytes}. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    /** Largest file kade can read at all (one Java array). */
    public static final long LIMIT_MAX_BYTES = Integer.MAX_VALUE - 8;
    /** The setting that sets the limit, named in refusals. */
    private static final String MAX_BYTES_SETTING = "model.max.bytes";

    private ModelFiles() {
    }

    /** The metadata sidecar of a foreign model: {@code MODEL.onnx.kade.json} beside {@code MODEL.onnx}. */
    public static Path sidecar(Path model) {
        return model.resolveSibling(model.getFileName() + ModelContract.SIDECAR_SUFFIX);
    }

    /**
     * Why {@code file} is too large to read, when it is over {@code maxBytes}; empty when it is within the
     * limit, absent or unreadable (the reader then reports what matters).
     *
     * @param what what the file is, for the message ("model file", "sidecar")
     */
    public static Optional<String> oversize(Path file, String what, long maxBytes) {
        try {
            long size = Files.size(file);
            return size > maxBytes ? Optional.of(tooLargeMessage(file, what, size, maxBytes)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a file of at most {@code maxBytes}, checking the size before reading and never holding more
     * than {@code maxBytes + 1} bytes (a file that grows while read is refused too).
     *
     * @throws InvalidModelException when the file is too large or cannot be read
     */
    public static byte[] readBounded(Path file, String what, long maxBytes) {
        if (maxBytes < 1 || maxBytes > LIMIT_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be 1.." + LIMIT_MAX_BYTES + ", got " + maxBytes);
        }
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidModelException(tooLargeMessage(file, what, size, maxBytes));
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new InvalidModelException(tooLargeMessage(file, what, bytes.length, maxBytes));
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + what + " " + file + ": " + e, e);
        }
    }

    private static String tooLargeMessage(Path file, String what, long size, long maxBytes) {
        return what + " " + file + " is " + size + " bytes, over the limit of " + maxBytes + " bytes ("
                + MAX_BYTES_SETTING + "); it was not read";
    }

    /** A fresh SHA-256 digest (every JVM has one). */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of some bytes: how kade names a model file's content. */
    public static String sha256(byte[] bytes) {
        return hex(newSha256().digest(bytes));
    }

    /** Lower-case hex SHA-256 of a whole file, read whole (model files are bounded by the caller). */
    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    /** Lower-case hex of a digest. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * Closes a resource while something is already failing (a refused model, a session of a failed load):
     * the original error is the one to report, so a failure to close is dropped.
     */
    public static void closeQuietly(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // already failing or refusing; the original error is what the user needs
            }
        }
    }
}
