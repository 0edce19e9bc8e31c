package io.transferlab.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ComputeDeviceTest {

    @Test
    void thePyTorchEngineLoadsOfflineAndComputes() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(ComputeDevice.describe()).startsWith("PyTorch 2.7.1");
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.best())) {
            NDArray a = manager.create(new float[]{1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertThat(a.matMul(a).toFloatArray()).containsExactly(7, 10, 15, 22);
        }
    }
}
