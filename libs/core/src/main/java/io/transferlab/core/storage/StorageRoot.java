package io.transferlab.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder shared by the services (a directory locally, a volume on Kubernetes). Every reference carried by an
 * event or a request is a path relative to it; {@link #resolve} refuses anything that would leave it — by its text
 * ({@code ..}, absolute paths elsewhere) and by where it really leads once links are followed. A link may lead out
 * of the root only into a <em>linked root</em> the operator declared (a dataset kept elsewhere and linked in, as
 * {@code deploy/local/run.sh} does); any other link that leads out is refused, naming where it leads.
 */
public final class StorageRoot {

    private final Path root;
    private final List<Path> linkedRoots;

    public StorageRoot(Path root) {
        this(root, List.of());
    }

    /** @param linkedRoots folders outside the root that links inside it may lead into */
    public StorageRoot(Path root, List<Path> linkedRoots) {
        this.root = root.toAbsolutePath().normalize();
        this.linkedRoots = linkedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The folders outside the root that links inside it may lead into. */
    public List<Path> linkedRoots() {
        return linkedRoots;
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
        requireInside(reference, candidate);
        return candidate;
    }

    /**
     * Refuses a path under the root that really leads elsewhere: its deepest existing part, links followed, must lie
     * in the root or in a linked root. (What does not exist yet cannot lead anywhere until it is created.)
     */
    private void requireInside(String reference, Path candidate) {
        Path existing = candidate;
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        Path real = realPath(existing, reference);
        if (real.startsWith(realRoot()) || linkedRoots.stream().anyMatch(linked -> real.startsWith(realOf(linked)))) {
            return;
        }
        throw new OutsideStorageRootException("path '" + reference + "' leads outside the storage root " + root
                + " through a link: it resolves to " + real + (linkedRoots.isEmpty()
                ? " (a dataset kept elsewhere can be allowed with transferlab.storage.linked-roots)"
                : " (allowed besides the root: " + linkedRoots + ")"));
    }

    private Path realRoot() {
        return realOf(root);
    }

    private static Path realOf(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /**
     * A file named by a relative path inside a folder (an image of a manifest, say): refused when the text leaves
     * the folder or the file really leads outside the folder's own real location.
     */
    public static Path within(Path folder, String relative) {
        Path base = folder.toAbsolutePath().normalize();
        Path file;
        try {
            Path given = Path.of(relative);
            file = given.isAbsolute() ? given.normalize() : base.resolve(given).normalize();
        } catch (InvalidPathException e) {
            throw new OutsideStorageRootException("invalid path '" + relative + "': " + e.getReason());
        }
        if (!file.startsWith(base)) {
            throw new OutsideStorageRootException("path '" + relative + "' leaves the folder " + base);
        }
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path real = realPath(file, relative);
            if (!real.startsWith(realOf(base))) {
                throw new OutsideStorageRootException("path '" + relative + "' leads outside the folder " + base
                        + " through a link: it resolves to " + real);
            }
        }
        return file;
    }

    /** Where an existing path really leads, links followed; a dangling link leads nowhere a reader may go. */
    private static Path realPath(Path existing, String reference) {
        try {
            return existing.toRealPath();
        } catch (IOException e) {
            throw new OutsideStorageRootException("path '" + reference + "' goes through a broken link ("
                    + e.getMessage() + ")");
        }
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
