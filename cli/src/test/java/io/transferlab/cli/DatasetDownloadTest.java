package io.transferlab.cli;

import io.transferlab.core.dataset.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Flowers-102 download against a local HTTP server serving a small archive in the official layout. */
class DatasetDownloadTest {

    @TempDir
    Path temp;

    private ServerSocket server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** "NAME range" for every request the server saw. */
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** Files whose first response stops after this many bytes (the connection drops mid-transfer). */
    private final Map<String, Integer> cutFirstResponse = new ConcurrentHashMap<>();
    private volatile boolean servesRanges = true;
    /** How long a cut response keeps its connection open before closing it (a stalled transfer). */
    private volatile long stallMillis = 0;
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private DatasetDownload.Source source;

    @BeforeEach
    void serve() throws Exception {
        files.put("102flowers.tgz", archive(6));
        files.put("imagelabels.mat", "labels of six flowers".getBytes(StandardCharsets.UTF_8));
        files.put("setid.mat", "train val test ids".getBytes(StandardCharsets.UTF_8));
        source = new DatasetDownload.Source("tiny-flowers", null, List.of(
                new DatasetDownload.RemoteFile("102flowers.tgz", md5(files.get("102flowers.tgz"))),
                new DatasetDownload.RemoteFile("imagelabels.mat", md5(files.get("imagelabels.mat"))),
                new DatasetDownload.RemoteFile("setid.mat", md5(files.get("setid.mat")))), "102flowers.tgz", 6);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    Thread serving = new Thread(() -> {
                        try (connection) {
                            handle(connection);
                        } catch (IOException e) {
                            // a client gone: nothing to answer
                        }
                    });
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException e) {
                    // closed by the test
                }
            }
        }, "test-http-server");
        accepting.setDaemon(true);
        accepting.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/flowers/");
    }

    private DatasetDownload download() {
        return new DatasetDownload(new DatasetDownload.Progress() {
            @Override
            public void transferred(String file, long bytes, long total) {
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }
        }, java.time.Duration.ofSeconds(1));
    }

    /** A small HTTP/1.1 server: one request per connection, ranges when asked and allowed, cuts when told to. */
    private void handle(Socket connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        String range = null;
        for (String header; (header = in.readLine()) != null && !header.isEmpty(); ) {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("range:")) {
                range = header.substring(6).trim();
            }
        }
        String name = requestLine.split(" ")[1].substring("/flowers/".length());
        requests.add(name + " " + range);
        OutputStream out = connection.getOutputStream();
        byte[] content = files.get(name);
        if (content == null) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return;
        }
        int start = 0;
        String head;
        if (range != null && servesRanges) {
            start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + start + "-" + (content.length - 1) + "/"
                    + content.length + "\r\n";
        } else {
            head = "HTTP/1.1 200 OK\r\n";
        }
        head += "Content-Length: " + (content.length - start) + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        Integer cut = cutFirstResponse.remove(name);
        // a cut drops the connection mid-transfer: the client gets fewer bytes than announced
        out.write(content, start, cut != null ? cut : content.length - start);
        out.flush();
        if (cut != null && stallMillis > 0) {
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void downloadsVerifiesAndUnpacksIntoTheOfficialLayout() throws Exception {
        Path dest = temp.resolve("flowers102");

        download().fetch(source, base(), dest);

        try (var jpgs = Files.list(dest.resolve("jpg"))) {
            assertThat(jpgs.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("image_00001.jpg", "image_00002.jpg", "image_00003.jpg", "image_00004.jpg",
                            "image_00005.jpg", "image_00006.jpg");
        }
        assertThat(Files.readAllBytes(dest.resolve("imagelabels.mat"))).isEqualTo(files.get("imagelabels.mat"));
        assertThat(Files.readAllBytes(dest.resolve("setid.mat"))).isEqualTo(files.get("setid.mat"));
        assertThat(Files.readAllBytes(dest.resolve("jpg/image_00003.jpg")))
                .isEqualTo(Files.readAllBytes(temp.resolve("images/image_00003.jpg")));

        // a second fetch finds it complete and asks the server for nothing
        requests.clear();
        download().fetch(source, base(), dest);
        assertThat(requests).isEmpty();
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsUnpacked() throws Exception {
        Path dest = temp.resolve("flowers102");
        files.put("setid.mat", "not the published setid.mat".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> download().fetch(source, base(), dest))
                .isInstanceOf(DatasetDownload.DownloadException.class)
                .hasMessageContaining("setid.mat").hasMessageContaining("MD5 " + md5(files.get("setid.mat")))
                .hasMessageContaining("the published one is " + source.files().get(2).md5());
        assertThat(dest.resolve("jpg")).doesNotExist();
        assertThat(dest.resolve(".download/setid.mat")).doesNotExist();
        // downloaded once, then once more from the start before giving up
        assertThat(requests).filteredOn(r -> r.startsWith("setid.mat")).hasSize(2);
    }

    @Test
    void anInterruptedTransferResumesWhereItStopped() throws Exception {
        Path dest = temp.resolve("flowers102");
        int half = files.get("102flowers.tgz").length / 2;
        cutFirstResponse.put("102flowers.tgz", half);

        download().fetch(source, base(), dest);

        assertThat(requests).filteredOn(r -> r.startsWith("102flowers.tgz"))
                .containsExactly("102flowers.tgz null", "102flowers.tgz bytes=" + half + "-");
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("resuming after " + half + " bytes"));
        assertThat(Files.list(dest.resolve("jpg")).count()).isEqualTo(6);
    }

    @Test
    void aStalledTransferCountsAsInterruptedAndResumes() throws Exception {
        Path dest = temp.resolve("flowers102");
        cutFirstResponse.put("setid.mat", 5);
        stallMillis = 3000;   // the connection stays open, silent, longer than the client waits

        download().fetch(source, base(), dest);

        assertThat(requests).filteredOn(r -> r.startsWith("setid.mat")).containsExactly("setid.mat null", "setid.mat bytes=5-");
        assertThat(Files.readAllBytes(dest.resolve("setid.mat"))).isEqualTo(files.get("setid.mat"));
    }

    @Test
    void aServerThatCannotResumeGetsTheWholeFileAgain() throws Exception {
        Path dest = temp.resolve("flowers102");
        servesRanges = false;
        cutFirstResponse.put("102flowers.tgz", 1000);

        download().fetch(source, base(), dest);

        assertThat(requests).filteredOn(r -> r.startsWith("102flowers.tgz")).hasSize(2);
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("does not resume transfers; starting over"));
        assertThat(Files.list(dest.resolve("jpg")).count()).isEqualTo(6);
    }

    @Test
    void aPartLeftByAnEarlierRunIsResumed() throws Exception {
        Path dest = temp.resolve("flowers102");
        byte[] archive = files.get("102flowers.tgz");
        Files.createDirectories(dest.resolve(".download"));
        Files.write(dest.resolve(".download/102flowers.tgz.part"), java.util.Arrays.copyOf(archive, 700));

        download().fetch(source, base(), dest);

        assertThat(requests).contains("102flowers.tgz bytes=700-");
        assertThat(Files.list(dest.resolve("jpg")).count()).isEqualTo(6);
    }

    @Test
    void anArchiveWithTheWrongNumberOfImagesOrAMissingFileIsNamed() {
        DatasetDownload.Source expectsMore = new DatasetDownload.Source("tiny-flowers", null, source.files(),
                "102flowers.tgz", 8189);
        assertThatThrownBy(() -> download().fetch(expectsMore, base(), temp.resolve("a")))
                .hasMessageContaining("holds 6 images, tiny-flowers has 8189");
        files.remove("imagelabels.mat");
        assertThatThrownBy(() -> download().fetch(source, base(), temp.resolve("b")))
                .hasMessageContaining("imagelabels.mat").hasMessageContaining("HTTP 404");
    }

    @Test
    void theFetchCommandChecksThePublishedChecksumsOfFlowers102() {
        // the test server's files are not the published ones: the command refuses them and says which
        CliRun run = CliRun.of("fetch", "--dest", temp.resolve("flowers102").toString(), "--url", base().toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("102flowers.tgz").contains("the published one is 52808999861908f626f3c1f4e79d11fa");
        assertThat(temp.resolve("flowers102/jpg")).doesNotExist();
    }

    /** A .tgz in the official layout: jpg/image_00001.jpg … */
    private byte[] archive(int images) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.putArchiveEntry(new TarArchiveEntry("jpg/"));
            tar.closeArchiveEntry();
            for (int i = 1; i <= images; i++) {
                Path image = temp.resolve(String.format("images/image_%05d.jpg", i));
                Files.createDirectories(image.getParent());
                TestImages.writeJpeg(image, i, 40 * i);
                TarArchiveEntry entry = new TarArchiveEntry(image.toFile(), String.format("jpg/image_%05d.jpg", i));
                tar.putArchiveEntry(entry);
                Files.copy(image, tar);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }
}
