package io.transferlab.ml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Settings libtorch reads from its environment once, set in this process before its first allocation.
 *
 * <p>{@code THP_MEM_ALLOC_ENABLE=1}: libtorch's CPU allocator then asks for transparent huge pages for every
 * tensor of 2 MB or more. Why: a ResNet50 forward at batch 32 allocates and frees activations of 10–100 MB per
 * layer; glibc serves those with fresh mmaps, and with 4 KB pages every first touch is a page fault — measured
 * here, 40 % of a backbone pass was system time and the pass ran at 4.8 images/s; with huge pages 9.7. The
 * kernel must allow them ({@code /sys/kernel/mm/transparent_hugepage/enabled} "madvise" or "always"); without,
 * the setting changes nothing. A value the user set (e.g. 0) is kept.
 */
final class NativeTuning {

    static final String HUGE_PAGES = "THP_MEM_ALLOC_ENABLE";
    private static final Logger LOG = LoggerFactory.getLogger(NativeTuning.class);
    private static boolean done;

    private NativeTuning() {
    }

    static synchronized void ensure() {
        if (done) {
            return;
        }
        done = true;
        if (System.getenv(HUGE_PAGES) != null
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return;
        }
        try {
            LibC.INSTANCE.setenv(HUGE_PAGES, "1", 0);
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("cannot set {}: {}", HUGE_PAGES, e.getMessage());
        }
    }

    /**
     * libc's setenv: libtorch and oneDNN read their settings with getenv, which System.getenv's copy of the
     * environment does not reach. Shared with {@link OneDnnGuard}.
     */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);
    }
}
