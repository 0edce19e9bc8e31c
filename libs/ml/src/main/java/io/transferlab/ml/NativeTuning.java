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
 *
 * <p>glibc's malloc keeps freed memory for reuse instead of returning it to the system at once
 * ({@code mallopt(M_MMAP_THRESHOLD, 1 GiB)}, {@code mallopt(M_TRIM_THRESHOLD, 1 GiB)}). Why: by default glibc serves
 * every allocation above 32 MB with its own mmap and unmaps it when freed, and a ResNet50 forward at batch 16
 * allocates ~40 such activations (the stem's output alone is 51 MB); every one then arrives as fresh pages the
 * kernel must fault in and zero. Profiled (PyTorch's profiler, batch 16): ReLU, which only writes a fresh
 * tensor, took 267 ms of a 1.07 s forward; with the memory kept, 85 ms, the convolutions 777 → 629 ms, and the
 * forward ran at 1.2–1.5× the images/s (noisy 2-core VM). The resident set stays at the largest forward's working
 * set instead of falling between batches (peak measured 1.33 GB against 1.24 GB). Setting
 * {@code TRANSFERLAB_KEEP_FREED_MEMORY=0} leaves glibc's defaults.
 */
final class NativeTuning {

    static final String HUGE_PAGES = "THP_MEM_ALLOC_ENABLE";
    static final String KEEP_FREED_MEMORY = "TRANSFERLAB_KEEP_FREED_MEMORY";
    /** mallopt's parameter numbers (malloc.h) and the value both are set to. */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int KEPT_BYTES = 1 << 30;
    private static final Logger LOG = LoggerFactory.getLogger(NativeTuning.class);
    private static boolean done;

    private NativeTuning() {
    }

    static synchronized void ensure() {
        if (done) {
            return;
        }
        done = true;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return;
        }
        try {
            if (System.getenv(HUGE_PAGES) == null) {
                LibC.INSTANCE.setenv(HUGE_PAGES, "1", 0);
            }
            String keep = System.getenv(KEEP_FREED_MEMORY);
            if (keep != null && !keep.equals("0") && !keep.equals("1")) {
                throw new IllegalStateException(KEEP_FREED_MEMORY + " must be 0 or 1, not '" + keep + "'");
            }
            if (!"0".equals(keep)) {
                boolean kept = LibC.INSTANCE.mallopt(M_MMAP_THRESHOLD, KEPT_BYTES) == 1
                        & LibC.INSTANCE.mallopt(M_TRIM_THRESHOLD, KEPT_BYTES) == 1;
                if (!kept) {
                    LOG.info("glibc refused to keep freed memory (mallopt); large tensors are mapped afresh each time");
                }
            }
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("cannot tune the native allocator: {}", e.getMessage());
        }
    }

    /**
     * libc's setenv: libtorch and oneDNN read their settings with getenv, which System.getenv's copy of the
     * environment does not reach. Shared with {@link OneDnnGuard}.
     */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);

        /** Returns 1 on success, 0 when glibc refuses the value. */
        int mallopt(int parameter, int value);
    }
}
