package io.transferlab.ml.cache;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer's memory now instead of when the garbage collector gets to it, through
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, the supported way to do this since Java 9). Where
 * that is not available the buffer is left to the collector, as before.
 */
final class DirectMemory {

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private DirectMemory() {
    }

    /** Frees {@code buffer} (a direct buffer from {@code allocateDirect}, not a slice of one); null is ignored. */
    static void free(ByteBuffer buffer) {
        if (buffer == null || !buffer.isDirect() || UNSAFE == null) {
            return;
        }
        UNSAFE.invokeCleaner(buffer);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
