package io.transferlab.cli;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Downloads a dataset published as a few files with checksums (Flowers-102: the image archive and two label
 * files) into a folder, in the dataset's own layout. Each file goes to {@code .download/NAME.part} first; an
 * interrupted transfer resumes where it stopped (an HTTP range request), or starts over when the server does not
 * serve ranges. A file is used only when its checksum is the published one; the folder gets its images only
 * when every file is verified and the archive unpacked, so a failed download never leaves half a dataset.
 */
final class DatasetDownload {

    /** One published file and its MD5 (the checksum the dataset's site and torchvision publish). */
    record RemoteFile(String name, String md5) {
    }

    /** A dataset: where its files are, which ones, how many images its archive holds. */
    record Source(String name, URI baseUrl, List<RemoteFile> files, String archive, int expectedImages) {
    }

    /** Oxford 102 Flowers from its official site. */
    static final Source FLOWERS_102 = new Source("flowers102", URI.create("https://www.robots.ox.ac.uk/~vgg/data/flowers/102/"),
            List.of(new RemoteFile("102flowers.tgz", "52808999861908f626f3c1f4e79d11fa"),
                    new RemoteFile("imagelabels.mat", "e0620be6f572b9609742df49c70aed4d"),
                    new RemoteFile("setid.mat", "a5357ecc9cb78c4bef273ce3793fc85c")),
            "102flowers.tgz", 8189);

    /** Where the download stands, for a progress bar. */
    interface Progress {
        void transferred(String file, long bytes, long total);

        void note(String message);
    }

    /** A download that cannot give the dataset; the message names the file and the problem. */
    static final class DownloadException extends RuntimeException {
        DownloadException(String message) {
            super(message);
        }

        DownloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String COMPLETE = ".download-complete";
    private static final int ATTEMPTS = 4;

    private final Progress progress;
    private final Duration stallTimeout;

    DatasetDownload(Progress progress) {
        this(progress, Duration.ofSeconds(60));
    }

    /** {@code stallTimeout}: how long a transfer may deliver nothing before it counts as interrupted. */
    DatasetDownload(Progress progress, Duration stallTimeout) {
        this.progress = progress;
        this.stallTimeout = stallTimeout;
    }

    /** Downloads and unpacks {@code source} into {@code dest}; a folder already complete is left as it is. */
    Path fetch(Source source, URI baseUrl, Path dest) {
        try {
            Path stamp = dest.resolve(COMPLETE);
            String expectedStamp = stamp(source);
            if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(expectedStamp)) {
                progress.note(source.name() + " already downloaded and verified in " + dest);
                return dest;
            }
            Path staging = dest.resolve(".download");
            Files.createDirectories(staging);
            for (RemoteFile file : source.files()) {
                fetchVerified(baseUrl.resolve(file.name()), file, staging);
            }
            unpack(source, staging, dest);
            Files.writeString(stamp, expectedStamp);
            return dest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stamp(Source source) {
        StringBuilder text = new StringBuilder();
        source.files().forEach(f -> text.append(f.md5()).append("  ").append(f.name()).append('\n'));
        return text.toString();
    }

    /** The file in the staging folder, its checksum verified; a verified file from an earlier run is kept. */
    private void fetchVerified(URI url, RemoteFile file, Path staging) throws IOException {
        Path done = staging.resolve(file.name());
        if (Files.isRegularFile(done) && md5(done).equals(file.md5())) {
            progress.note(file.name() + " already downloaded (checksum verified)");
            return;
        }
        Path part = staging.resolve(file.name() + ".part");
        boolean restarted = false;
        while (true) {
            transfer(url, part, file.name());
            String actual = md5(part);
            if (actual.equals(file.md5())) {
                Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                progress.note(file.name() + ": checksum verified (MD5 " + actual + ")");
                return;
            }
            Files.deleteIfExists(part);
            if (restarted) {
                throw new DownloadException(file.name() + " from " + url + " has MD5 " + actual + ", the published one is "
                        + file.md5() + ": the file is corrupt or not the published one (nothing was unpacked)");
            }
            // a part resumed from an earlier, different transfer can be wrong: one clean download settles it
            progress.note(file.name() + ": checksum " + actual + " is not the published " + file.md5()
                    + "; downloading it again from the start");
            restarted = true;
        }
    }

    /** Brings {@code part} to the whole file, resuming after interruptions. */
    private void transfer(URI url, Path part, String name) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout((int) Duration.ofSeconds(30).toMillis());
            // a transfer that stalls counts as interrupted (and resumes), instead of waiting forever
            connection.setReadTimeout((int) stallTimeout.toMillis());
            if (have > 0) {
                connection.setRequestProperty("Range", "bytes=" + have + "-");
            }
            try {
                int status = connection.getResponseCode();
                long length = connection.getContentLengthLong();
                long total;
                boolean append;
                if (status == 206) {
                    long start = rangeStart(connection.getHeaderField("Content-Range"));
                    if (start != have) {
                        Files.deleteIfExists(part);
                        throw new IOException("the server resumed at byte " + start + " instead of " + have);
                    }
                    append = true;
                    total = length < 0 ? -1 : have + length;
                    progress.note(name + ": resuming after " + have + " bytes");
                } else if (status == 416 && have > 0) {
                    return; // the part is already whole: the checksum decides
                } else if (status == 200) {
                    if (have > 0) {
                        progress.note(name + ": the server does not resume transfers; starting over");
                    }
                    append = false;
                    total = length;
                } else {
                    throw new DownloadException(name + ": " + url + " answered HTTP " + status);
                }
                long written = copy(connection.getInputStream(), part, append, name, total);
                if (total >= 0 && written < total) {
                    throw new IOException("connection closed after " + written + " of " + total + " bytes");
                }
                return;
            } catch (IOException e) {
                last = e;
                progress.note(name + ": transfer interrupted (" + e.getMessage() + "), attempt " + attempt + " of " + ATTEMPTS);
                if (attempt < ATTEMPTS) {
                    pause(Duration.ofSeconds(1L << (attempt - 1)));   // 1, 2, 4 s: a flaky network gets time to recover
                }
            } finally {
                connection.disconnect();
            }
        }
        throw new DownloadException(name + ": could not download " + url + " after " + ATTEMPTS + " attempts: "
                + last.getMessage(), last);
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("download interrupted", e);
        }
    }

    private static long rangeStart(String contentRange) throws IOException {
        // bytes START-END/TOTAL
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bytes (\\d+)-").matcher(contentRange == null ? "" : contentRange);
        if (!m.find()) {
            throw new IOException("partial content without a Content-Range header");
        }
        return Long.parseLong(m.group(1));
    }

    private long copy(InputStream body, Path part, boolean append, String name, long total) throws IOException {
        long before = append ? Files.size(part) : 0;
        long written = 0;
        try (InputStream in = body;
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                written += n;
                progress.transferred(name, before + written, total < 0 ? -1 : total);
            }
        }
        return before + written;
    }

    /** Unpacks the archive into a fresh folder, then puts images and label files in place. */
    private void unpack(Source source, Path staging, Path dest) throws IOException {
        Path unpacked = staging.resolve("unpacked");
        deleteTree(unpacked);
        Files.createDirectories(unpacked);
        int images = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                Files.newInputStream(staging.resolve(source.archive())), 1 << 16))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path target = unpacked.resolve(entry.getName()).normalize();
                if (!target.startsWith(unpacked)) {
                    throw new DownloadException(source.archive() + " holds '" + entry.getName()
                            + "', which would land outside the dataset folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    images += entry.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".jpg") ? 1 : 0;
                }
            }
        } catch (IOException e) {
            throw new DownloadException(source.archive() + " cannot be unpacked: " + e.getMessage(), e);
        }
        if (images != source.expectedImages()) {
            throw new DownloadException(source.archive() + " holds " + images + " images, " + source.name() + " has "
                    + source.expectedImages());
        }
        progress.note(source.archive() + ": " + images + " images unpacked");
        for (Path top : list(unpacked)) {
            Path target = dest.resolve(top.getFileName());
            deleteTree(target);
            Files.move(top, target, StandardCopyOption.ATOMIC_MOVE);
        }
        for (RemoteFile file : source.files()) {
            if (!file.name().equals(source.archive())) {
                Files.copy(staging.resolve(file.name()), dest.resolve(file.name()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        deleteTree(unpacked);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String md5(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
