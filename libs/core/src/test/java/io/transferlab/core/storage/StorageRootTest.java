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

    @Test
    void aLinkThatLeadsOutIsRefusedUnlessItLeadsIntoALinkedRoot() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/flowers"));
        Files.writeString(elsewhere.resolve("a.jpg"), "x");
        Files.createDirectories(storage.resolve("datasets"));
        Files.createSymbolicLink(storage.resolve("datasets/flowers"), elsewhere);
        Files.createSymbolicLink(storage.resolve("datasets/etc"), Path.of("/etc"));
        Files.createSymbolicLink(storage.resolve("datasets/gone"), dir.resolve("nothing-here"));

        StorageRoot strict = new StorageRoot(storage);
        assertThatThrownBy(() -> strict.resolve("datasets/flowers/a.jpg")).isInstanceOf(OutsideStorageRootException.class)
                .hasMessageContaining("leads outside the storage root").hasMessageContaining(elsewhere.toRealPath().toString())
                .hasMessageContaining("transferlab.storage.linked-roots");
        assertThatThrownBy(() -> strict.resolve("datasets/etc/passwd")).hasMessageContaining("resolves to /etc/passwd");
        assertThatThrownBy(() -> strict.resolve("datasets/gone")).hasMessageContaining("broken link");
        // what does not exist yet is judged by its deepest existing folder
        assertThat(strict.resolve("manifests/new.json")).isEqualTo(storage.resolve("manifests/new.json"));
        assertThatThrownBy(() -> strict.resolve("datasets/etc/new-file")).hasMessageContaining("resolves to /etc");

        StorageRoot linked = new StorageRoot(storage, java.util.List.of(dir.resolve("elsewhere")));
        assertThat(linked.resolve("datasets/flowers/a.jpg")).isEqualTo(storage.resolve("datasets/flowers/a.jpg"));
        assertThatThrownBy(() -> linked.resolve("datasets/etc/passwd")).hasMessageContaining("allowed besides the root");
    }

    @Test
    void aFileOfAFolderMustStayInIt() throws Exception {
        Path dataset = Files.createDirectories(dir.resolve("dataset/class0"));
        Files.writeString(dataset.resolve("a.jpg"), "x");
        Files.createSymbolicLink(dataset.resolve("b.jpg"), Path.of("/etc/hostname"));
        Path folder = dir.resolve("dataset");
        assertThat(StorageRoot.within(folder, "class0/a.jpg")).isEqualTo(dataset.resolve("a.jpg"));
        assertThatThrownBy(() -> StorageRoot.within(folder, "class0/b.jpg")).hasMessageContaining("resolves to /etc/hostname");
        assertThatThrownBy(() -> StorageRoot.within(folder, "../../etc/passwd")).hasMessageContaining("leaves the folder");
        assertThatThrownBy(() -> StorageRoot.within(folder, "/etc/passwd")).hasMessageContaining("leaves the folder");
    }
}
