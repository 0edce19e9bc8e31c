package io.transferlab.core.dataset;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small real JPEG files for tests: a class folder per colour. */
public final class TestImages {

    private TestImages() {
    }

    public static Path imageFolder(Path root, int classes, int perClass) {
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                writeJpeg(root.resolve("class" + c).resolve("img" + i + ".jpg"), c * 40 + i, i * 3);
            }
        }
        return root;
    }

    public static void writeJpeg(Path file, int seed, int shade) {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(new Color((seed * 53) % 256, (seed * 97 + shade) % 256, (seed * 11) % 256));
        g.fillRect(0, 0, 32, 24);
        g.setColor(Color.WHITE);
        g.fillRect(seed % 20, shade % 12, 8, 8);
        g.dispose();
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "jpg", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A decompression-bomb PNG: a valid grayscale image of {@code width × height} pixels, all black, whose
     * compressed pixels take a fraction of a percent of the raster they decode to.
     */
    public static void writePngBomb(Path file, int width, int height) {
        try {
            java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
            try (var deflate = new java.util.zip.DeflaterOutputStream(idat,
                    new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
                byte[] row = new byte[width + 1]; // filter byte 0, then the row's zeros
                for (int y = 0; y < height; y++) {
                    deflate.write(row);
                }
            }
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            png.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
            java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(png, "IHDR", ihdr.array());
            chunk(png, "IDAT", idat.toByteArray());
            chunk(png, "IEND", new byte[0]);
            Files.createDirectories(file.getParent());
            Files.write(file, png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
