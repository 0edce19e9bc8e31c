package io.transferlab.core.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A reader for the numeric arrays of MATLAB level-5 MAT-files (the format of Oxford-102's imagelabels.mat and
 * setid.mat): compressed or plain, little- or big-endian. Cell arrays, structs and sparse matrices are skipped.
 */
public final class MatFile {

    private static final int MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
            MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15;
    private static final int MX_CELL = 1, MX_STRUCT = 2, MX_OBJECT = 3, MX_CHAR = 4, MX_SPARSE = 5;

    /** A numeric array in column-major order, as MATLAB stores it. */
    public record NumericArray(String name, int[] dimensions, double[] values) {
    }

    /** The system property that sets the byte limit (default {@value #DEFAULT_MAX_BYTES}). */
    public static final String MAX_BYTES_PROPERTY = "transferlab.mat.max-bytes";
    /**
     * 64 MiB: the most a MAT-file may hold, on disk and after decompression together. Why: a compressed element of
     * a few KB can inflate to gigabytes (a decompression bomb), and Flowers-102's label files are 33 KB and 15 KB.
     */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final Map<String, NumericArray> arrays = new LinkedHashMap<>();
    private final long maxBytes;
    private long inflated;

    private MatFile(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    static long maxBytes() {
        return InputLimits.positive(MAX_BYTES_PROPERTY, DEFAULT_MAX_BYTES, "bytes");
    }

    public static MatFile read(Path file) {
        byte[] bytes;
        long limit = maxBytes();
        try {
            if (Files.size(file) > limit) {
                throw new DatasetScanException("MAT-file " + file + " is " + Files.size(file) + " bytes, more than the"
                        + " limit of " + limit + " (" + MAX_BYTES_PROPERTY + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetScanException("cannot read MAT-file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes, limit);
        } catch (TooLarge e) {
            throw new DatasetScanException("MAT-file " + file + " " + e.getMessage() + " (" + MAX_BYTES_PROPERTY + ")", e);
        } catch (RuntimeException e) {
            throw new DatasetScanException("not a readable MATLAB v5 MAT-file: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** Decompression went past the limit. */
    static final class TooLarge extends IllegalArgumentException {
        TooLarge(String message) {
            super(message);
        }
    }

    static MatFile parse(byte[] bytes) {
        return parse(bytes, DEFAULT_MAX_BYTES);
    }

    static MatFile parse(byte[] bytes, long maxBytes) {
        if (bytes.length < 128 || !new String(bytes, 0, 6, StandardCharsets.US_ASCII).equals("MATLAB")) {
            throw new IllegalArgumentException("missing the 'MATLAB 5.0' header");
        }
        ByteOrder order = bytes[126] == 'I' && bytes[127] == 'M' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        MatFile mat = new MatFile(maxBytes);
        mat.inflated = bytes.length;
        mat.readElements(ByteBuffer.wrap(bytes, 128, bytes.length - 128).slice().order(order));
        return mat;
    }

    public NumericArray array(String name) {
        NumericArray array = arrays.get(name);
        if (array == null) {
            throw new DatasetScanException("MAT-file has no numeric variable '" + name + "' (it has " + arrays.keySet() + ")");
        }
        return array;
    }

    /** The values of a vector variable as ints (labels, ids). */
    public int[] ints(String name) {
        double[] values = array(name).values();
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) Math.round(values[i]);
        }
        return ints;
    }

    private void readElements(ByteBuffer buffer) {
        while (buffer.remaining() >= 8) {
            int type = buffer.getInt();
            int size = buffer.getInt();
            if (size < 0 || size > buffer.remaining()) {
                throw new IllegalArgumentException("element of " + size + " bytes overruns the file");
            }
            ByteBuffer data = buffer.slice(buffer.position(), size).order(buffer.order());
            buffer.position(buffer.position() + (type == MI_COMPRESSED ? size : padded(size)));
            if (type == MI_COMPRESSED) {
                readElements(ByteBuffer.wrap(inflate(data)).order(buffer.order()));
            } else if (type == MI_MATRIX) {
                readMatrix(data);
            }
        }
    }

    private void readMatrix(ByteBuffer m) {
        if (!m.hasRemaining()) {
            return; // an empty matrix
        }
        Element flags = Element.next(m);
        int arrayClass = flags.data.getInt(0) & 0xff;
        if (arrayClass == MX_CELL || arrayClass == MX_STRUCT || arrayClass == MX_OBJECT || arrayClass == MX_SPARSE
                || arrayClass == MX_CHAR) {
            return;
        }
        Element dimsElement = Element.next(m);
        int[] dims = new int[dimsElement.data.remaining() / 4];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dimsElement.data.getInt(i * 4);
        }
        Element nameElement = Element.next(m);
        byte[] nameBytes = new byte[nameElement.data.remaining()];
        nameElement.data.get(nameBytes);
        String name = new String(nameBytes, StandardCharsets.US_ASCII);
        Element real = Element.next(m);
        arrays.put(name, new NumericArray(name, dims, real.toDoubles()));
    }

    private static int padded(int size) {
        return (size + 7) & ~7;
    }

    /** Inflates a compressed element, stopping as soon as the file's bytes so far pass the limit. */
    private byte[] inflate(ByteBuffer compressed) {
        byte[] input = new byte[compressed.remaining()];
        compressed.get(input);
        Inflater inflater = new Inflater();
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxBytes, input.length * 4L));
        byte[] chunk = new byte[1 << 16];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                inflated += n;
                if (inflated > maxBytes) {
                    throw new TooLarge("decompresses to more than its limit of " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed element: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    /** One tagged data element; small elements pack their tag and up to 4 bytes of data into 8 bytes. */
    private record Element(int type, ByteBuffer data) {

        static Element next(ByteBuffer b) {
            int first = b.getInt();
            int smallSize = first >>> 16;
            if (smallSize != 0) {
                ByteBuffer data = b.slice(b.position(), smallSize).order(b.order());
                b.position(b.position() + 4);
                return new Element(first & 0xffff, data);
            }
            int size = b.getInt();
            ByteBuffer data = b.slice(b.position(), size).order(b.order());
            b.position(Math.min(b.limit(), b.position() + padded(size)));
            return new Element(first, data);
        }

        double[] toDoubles() {
            int width = switch (type) {
                case MI_INT8, MI_UINT8 -> 1;
                case MI_INT16, MI_UINT16 -> 2;
                case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
                case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
                default -> throw new IllegalArgumentException("unsupported MAT data type " + type);
            };
            double[] values = new double[data.remaining() / width];
            for (int i = 0; i < values.length; i++) {
                int at = i * width;
                values[i] = switch (type) {
                    case MI_INT8 -> data.get(at);
                    case MI_UINT8 -> data.get(at) & 0xff;
                    case MI_INT16 -> data.getShort(at);
                    case MI_UINT16 -> data.getShort(at) & 0xffff;
                    case MI_INT32 -> data.getInt(at);
                    case MI_UINT32 -> data.getInt(at) & 0xffffffffL;
                    case MI_SINGLE -> data.getFloat(at);
                    case MI_DOUBLE -> data.getDouble(at);
                    default -> data.getLong(at);
                };
            }
            return values;
        }
    }
}
