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
}
