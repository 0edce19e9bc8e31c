package io.transferlab.ml.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;

/**
 * Decodes images and resizes them to the network's square input (the seed's only preprocessing), in parallel.
 * Pixels never pass through Java loops: Java2D decodes and scales (bilinear) straight into a BGR byte raster,
 * which becomes the batch tensor as it is; an augmented view is a crop window and flips applied in the same
 * scaling step, plus a brightness shift on the tensor.
 */
public final class ImagePipeline implements AutoCloseable {

    private final int size;
    private final ExecutorService pool;

    public ImagePipeline(int size, int threads) {
        this.size = size;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "image-decode");
            t.setDaemon(true);
            return t;
        });
    }

    public int size() {
        return size;
    }

    /** One image as {@code size×size×3} BGR bytes (HWC), through the given view. */
    public byte[] load(Path file, Augmentation.View view) {
        BufferedImage source;
        try {
            source = io.transferlab.core.dataset.ImageLimits.decode(file);
        } catch (io.transferlab.core.dataset.ImageLimits.RefusedImageException e) {
            throw new CorruptImageException(file + " is refused: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new CorruptImageException(file + " cannot be decoded: " + e.getMessage());
        }
        BufferedImage target = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            int sx1 = (int) Math.round(view.x() * source.getWidth());
            int sy1 = (int) Math.round(view.y() * source.getHeight());
            int sx2 = (int) Math.round((view.x() + view.width()) * source.getWidth());
            int sy2 = (int) Math.round((view.y() + view.height()) * source.getHeight());
            int dx1 = view.flipH() ? size : 0;
            int dx2 = view.flipH() ? 0 : size;
            int dy1 = view.flipV() ? size : 0;
            int dy2 = view.flipV() ? 0 : size;
            g.drawImage(source, dx1, dy1, dx2, dy2, sx1, sy1, sx2, sy2, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) target.getRaster().getDataBuffer()).getData();
    }

    /** Loaded images of a batch, in order; failed ones are null with their error kept. */
    public record Loaded(byte[][] pixels, CorruptImageException[] errors) {
        public int failures() {
            int n = 0;
            for (CorruptImageException e : errors) {
                if (e != null) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Loads a batch in parallel. */
    public Loaded loadAll(List<Path> files, List<Augmentation.View> views) {
        List<Future<byte[]>> futures = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Augmentation.View view = views == null ? Augmentation.View.IDENTITY : views.get(i);
            futures.add(pool.submit(() -> load(file, view)));
        }
        byte[][] pixels = new byte[files.size()][];
        CorruptImageException[] errors = new CorruptImageException[files.size()];
        for (int i = 0; i < futures.size(); i++) {
            try {
                pixels[i] = futures.get(i).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CorruptImageException corrupt) {
                    errors[i] = corrupt;
                } else {
                    errors[i] = new CorruptImageException(files.get(i) + ": " + e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding images", e);
            }
        }
        return new Loaded(pixels, errors);
    }

    /**
     * Stacks BGR byte images into an NHWC float tensor in [0, 255], applying each view's brightness delta
     * (in [0, 1] units, clipped like tf.image.adjust_brightness on the [0, 1] image).
     */
    public NDArray toTensor(NDManager manager, List<byte[]> images, List<Augmentation.View> views) {
        ByteBuffer buffer = manager.allocateDirect(images.size() * size * size * 3);
        for (byte[] image : images) {
            buffer.put(image);
        }
        buffer.rewind();
        NDArray batch = manager.create(buffer, new Shape(images.size(), size, size, 3), DataType.UINT8)
                .toType(DataType.FLOAT32, false);
        if (views != null && views.stream().anyMatch(v -> v.brightness() != 0)) {
            float[] deltas = new float[views.size()];
            for (int i = 0; i < deltas.length; i++) {
                deltas[i] = (float) (views.get(i).brightness() * 255);
            }
            batch = batch.add(manager.create(deltas).reshape(images.size(), 1, 1, 1)).clip(0, 255);
        }
        return batch;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
