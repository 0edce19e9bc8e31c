package io.transferlab.core.dataset;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/** Writes MATLAB v5 MAT-files for tests: one double vector, in a compressed element as MATLAB saves it. */
public final class TestMatFiles {

    private TestMatFiles() {
    }

    public static byte[] compressedVector(String name, double[] values) {
        byte[] matrix = matrix(name, values);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(matrix);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        while (!deflater.finished()) {
            compressed.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        byte[] header = Arrays.copyOf("MATLAB 5.0 MAT-file, written by TransferLab's tests".getBytes(StandardCharsets.US_ASCII), 128);
        Arrays.fill(header, 52, 124, (byte) ' ');
        ByteBuffer file = ByteBuffer.allocate(128 + 8 + compressed.size()).order(ByteOrder.LITTLE_ENDIAN);
        file.put(header, 0, 124).putShort((short) 0x0100).put((byte) 'I').put((byte) 'M');
        file.putInt(15).putInt(compressed.size()).put(compressed.toByteArray()); // miCOMPRESSED
        return file.array();
    }

    /** A miMATRIX element: array flags (double), dimensions n × 1, name, real part. */
    private static byte[] matrix(String name, double[] values) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        int namePadded = (nameBytes.length + 7) & ~7;
        int body = 16 + 16 + 8 + namePadded + 8 + values.length * 8;
        ByteBuffer m = ByteBuffer.allocate(8 + body).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(14).putInt(body); // miMATRIX
        m.putInt(6).putInt(8).putInt(6).putInt(0); // miUINT32 flags: mxDOUBLE_CLASS
        m.putInt(5).putInt(8).putInt(values.length).putInt(1); // miINT32 dimensions
        m.putInt(1).putInt(nameBytes.length).put(nameBytes).put(new byte[namePadded - nameBytes.length]); // miINT8 name
        m.putInt(9).putInt(values.length * 8); // miDOUBLE
        for (double v : values) {
            m.putDouble(v);
        }
        return m.array();
    }
}
