package io.transferlab.core.dataset;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;

/**
 * How large an image may be before anything decodes it. Why: a small file can declare a huge raster (a PNG of
 * 100,000 × 100,000 pixels compresses to a few hundred KB), and decoding it allocates gigabytes — an
 * {@link OutOfMemoryError} that passes every handler. The declared size is read from the file's header alone and
 * checked first; an image over the limit is refused with a message naming the file, its size and the limit.
 */
public final class ImageLimits {

    /** The system property that sets the limit in pixels (default {@value #DEFAULT_MAX_PIXELS}). */
    public static final String MAX_PIXELS_PROPERTY = "transferlab.image.max-pixels";
    /** 40 megapixels: a 7,300 × 5,500 photograph; 160 MB as decoded RGBA. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private ImageLimits() {
    }

    public static long maxPixels() {
        return InputLimits.positive(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS, "pixels");
    }

    /** An image refused before it was decoded, or one that could not be decoded at all. */
    public static final class RefusedImageException extends IOException {
        public RefusedImageException(String message) {
            super(message);
        }
    }

    /** Width and height as the file's header declares them; empty when no reader of this JVM knows the format. */
    public static Optional<int[]> declaredSize(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(Files.newInputStream(file))) {
            if (in == null) {
                return Optional.empty();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return Optional.of(new int[]{reader.getWidth(0), reader.getHeight(0)});
            } finally {
                reader.dispose();
            }
        }
    }

    /** Refuses a file whose header declares more pixels than the limit. */
    public static void check(Path file) throws IOException {
        Optional<int[]> size = declaredSize(file);
        if (size.isPresent()) {
            long pixels = (long) size.get()[0] * size.get()[1];
            long limit = maxPixels();
            if (pixels > limit) {
                throw new RefusedImageException(file.getFileName() + " declares " + size.get()[0] + " × " + size.get()[1]
                        + " = " + pixels + " pixels, more than the limit of " + limit + " (" + MAX_PIXELS_PROPERTY + ")");
            }
        }
    }

    /**
     * Decodes an image after {@link #check checking} its declared size: the one way images are read.
     *
     * @throws RefusedImageException over the limit, or in no format this JVM decodes
     * @throws IOException           the file cannot be read or is corrupt
     */
    public static BufferedImage decode(Path file) throws IOException {
        BufferedImage image;
        try {
            check(file);
            image = ImageIO.read(file.toFile());
        } catch (RuntimeException e) {
            // the JDK's decoders throw unchecked exceptions on some corrupt files: one named error for all of them
            throw new RefusedImageException(file.getFileName() + " cannot be decoded: " + e);
        }
        if (image == null) {
            throw new RefusedImageException(file.getFileName() + " is not an image format this JVM decodes");
        }
        return image;
    }
}
