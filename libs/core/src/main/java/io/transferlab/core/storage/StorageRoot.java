package io.transferlab.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The folder shared by the services (a directory locally, a volume on Kubernetes). Every reference carried by an
 * event or a request is a path relative to it; {@link #resolve} refuses anything that would leave it.
 * Links placed inside the root by the operator (a dataset kept elsewhere, say) are followed as they are.
 */
public final class StorageRoot {

    private final Path root;

    public StorageRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path path() {
        return root;
    }

    /** The absolute path for a reference, or {@link OutsideStorageRootException} when it leaves the root. */
    public Path resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new OutsideStorageRootException("empty path (expected a path under the storage root " + root + ")");
        }
        Path candidate;
        try {
            Path given = Path.of(reference);
            candidate = (given.isAbsolute() ? given : root.resolve(given)).normalize();
        } catch (InvalidPathException e) {
            throw new OutsideStorageRootException("invalid path '" + reference + "': " + e.getReason());
        }
        if (!candidate.startsWith(root)) {
            throw new OutsideStorageRootException(
                    "path '" + reference + "' is outside the storage root " + root);
        }
        return candidate;
    }

    /** The reference (relative, with '/' separators) of a path under the root. */
    public String referenceOf(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!absolute.startsWith(root)) {
            throw new OutsideStorageRootException("path " + absolute + " is outside the storage root " + root);
        }
        return root.relativize(absolute).toString().replace('\\', '/');
    }

    /**
     * Writes a file atomically and durably ({@link DurableFiles}): readers see the old content or the new one,
     * never half of it, even after a crash; an existing file with the same content is left untouched.
     */
    public Path writeAtomically(String reference, byte[] content) {
        Path target = resolve(reference);
        try {
            Files.createDirectories(target.getParent());
            if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                return target;
            }
            DurableFiles.write(target, content);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
