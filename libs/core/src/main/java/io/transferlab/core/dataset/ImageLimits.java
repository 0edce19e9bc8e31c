package io.transferlab.core.dataset;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
        return read(file, false).map(Read::size);
    }

    /** Refuses a file whose header declares more pixels than the limit. */
    public static void check(Path file) throws IOException {
        read(file, false);
    }

    /**
     * Decodes an image after checking the size its header declares, in one pass over the file (the header is
     * read once, by the reader that then decodes): the one way images are read.
     *
     * @throws RefusedImageException over the limit, or in no format this JVM decodes
     * @throws IOException           the file cannot be read or is corrupt
     */
    public static BufferedImage decode(Path file) throws IOException {
        try {
            return read(file, true).orElseThrow(() -> new RefusedImageException(file.getFileName()
                    + " is not an image format this JVM decodes")).image();
        } catch (RuntimeException e) {
            // the JDK's decoders throw unchecked exceptions on some corrupt files: one named error for all of them
            throw new RefusedImageException(file.getFileName() + " cannot be decoded: " + e);
        }
    }

    /** The declared size and, when asked, the decoded image. */
    private record Read(int[] size, BufferedImage image) {
    }

    /**
     * Reads the header with the reader ImageIO would choose, refuses a size over the limit, then decodes with the
     * same reader when {@code decode} (exactly what {@link ImageIO#read(java.io.File)} does after choosing it).
     */
    private static Optional<Read> read(Path file, boolean decode) throws IOException {
        // a File, as ImageIO.read(File) does: read in place, not copied to a cache file as an InputStream would be
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
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
                int[] size = {reader.getWidth(0), reader.getHeight(0)};
                long pixels = (long) size[0] * size[1];
                long limit = maxPixels();
                if (pixels > limit) {
                    throw new RefusedImageException(file.getFileName() + " declares " + size[0] + " × " + size[1]
                            + " = " + pixels + " pixels, more than the limit of " + limit + " (" + MAX_PIXELS_PROPERTY + ")");
                }
                return Optional.of(new Read(size, decode ? reader.read(0, reader.getDefaultReadParam()) : null));
            } finally {
                reader.dispose();
            }
        }
    }
}
