package io.transferlab.core.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageRootTest {

    @TempDir
    Path dir;

    @Test
    void resolvesReferencesInsideTheRoot() {
        StorageRoot root = new StorageRoot(dir);
        assertThat(root.resolve("datasets/flowers")).isEqualTo(dir.resolve("datasets/flowers"));
        assertThat(root.resolve(dir.resolve("a/../b").toString())).isEqualTo(dir.resolve("b"));
        assertThat(root.referenceOf(dir.resolve("m/x.json"))).isEqualTo("m/x.json");
    }

    @Test
    void refusesPathsThatLeaveTheRoot() {
        StorageRoot root = new StorageRoot(dir.resolve("storage"));
        assertThatThrownBy(() -> root.resolve("../etc/passwd"))
                .isInstanceOf(OutsideStorageRootException.class).hasMessageContaining("outside the storage root");
        assertThatThrownBy(() -> root.resolve("/etc/passwd")).isInstanceOf(OutsideStorageRootException.class);
        assertThatThrownBy(() -> root.resolve(dir.resolve("storage-other").toString()))
                .isInstanceOf(OutsideStorageRootException.class);
        assertThatThrownBy(() -> root.resolve(" ")).hasMessageContaining("empty path");
    }

    @Test
    void atomicWritesReplaceContentAndChecksumsVerify() throws Exception {
        StorageRoot root = new StorageRoot(dir);
        Path file = root.writeAtomically("m/a.json", "one".getBytes());
        root.writeAtomically("m/a.json", "two".getBytes());
        assertThat(Files.readString(file)).isEqualTo("two");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).hasSize(1);
        }
        String sha = Checksums.sha256(file);
        assertThat(sha).isEqualTo(Checksums.sha256("two".getBytes()));
        assertThat(new String(Checksums.readVerified(file, sha))).isEqualTo("two");
        assertThatThrownBy(() -> Checksums.readVerified(file, Checksums.sha256("one".getBytes())))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("but the event says");
    }
}
