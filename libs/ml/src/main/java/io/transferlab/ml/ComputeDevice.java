package io.transferlab.ml;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** The device work runs on: the first CUDA GPU when DJL's PyTorch engine sees one, else the CPU. */
public final class ComputeDevice {

    public static final String ENGINE = "PyTorch";

    static {
        // DJL otherwise looks for engine updates on the internet and stalls without one; -Dai.djl.offline=false wins
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeTuning.ensure();
        OneDnnGuard.ensure();
    }

    private ComputeDevice() {
    }

    public static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    public static Device best() {
        return engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** One line for logs and results: which engine, version and device. */
    public static String describe() {
        Engine engine = engine();
        String limit = OneDnnGuard.limit();
        return engine.getEngineName() + " " + engine.getVersion() + " on " + best()
                + (engine.getGpuCount() > 0 ? " (" + engine.getGpuCount() + " GPU(s))" : "")
                + (limit != null && engine.getGpuCount() == 0 ? " (oneDNN limited to " + limit + ")" : "");
    }
}
