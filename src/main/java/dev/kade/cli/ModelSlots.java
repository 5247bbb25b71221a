package dev.kade.cli;

import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The model files of a promotion: the serving model's file (what {@code model.path} names and the running kade
 * watches), the shadow's ({@code model.shadow.path}) and the previous champion's, kept for one-step rollback (by default
 * {@code MODEL.previous} beside the serving file). Each model may have a sidecar ({@code FILE.kade.json}), which moves
 * with it.
 *
 * <p>Files are replaced by a copy to a temporary file in the target's directory and an atomic rename, sidecar first,
 * then the model: the watcher never reads a half-written file, and it looks at both files on every poll, so it loads
 * the pair once both are in place (a model it saw alone with the old sidecar and refused is looked at again when the
 * pair changes). The running kade validates what it loads exactly as on any hot reload and keeps the old model when it
 * refuses the new one.
 *
 * @param model    the serving model file
 * @param shadow   the shadow model file
 * @param previous where the replaced champion is kept
 */
record ModelSlots(Path model, Path shadow, Path previous) {
    ModelSlots {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(previous, "previous");
    }

    /** The default place of the previous champion: {@code MODEL.previous} beside it. */
    static Path defaultPrevious(Path model) {
        return model.resolveSibling(model.getFileName() + ".previous");
    }

    /** The version {@code file} says it is (loaded and self-checked as kade would, then closed). */
    static String version(Path file) {
        try (OnnxModel m = OnnxModel.load(file)) {
            ModelMetadata meta = m.metadata();
            return meta.version();
        }
    }

    /** Keeps the serving model as the previous one, then puts the shadow in its place. */
    void promote() {
        place(model, previous);
        place(shadow, model);
    }

    /** Exchanges the serving and the previous model: a second rollback undoes the first. */
    void rollback() {
        Path parked = model.resolveSibling(model.getFileName() + ".rollback.tmp");
        place(model, parked);
        place(previous, model);
        place(parked, previous);
        delete(parked);
    }

    /** Copies {@code from} (and its sidecar, or the absence of one) onto {@code to}, each by an atomic rename. */
    static void place(Path from, Path to) {
        Path fromSidecar = ModelFiles.sidecar(from);
        Path toSidecar = ModelFiles.sidecar(to);
        try {
            if (Files.isRegularFile(fromSidecar)) {
                copyAtomically(fromSidecar, toSidecar);
            } else {
                Files.deleteIfExists(toSidecar);
            }
            copyAtomically(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        Path dir = to.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + to.getFileName(), ".tmp");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(ModelFiles.sidecar(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
