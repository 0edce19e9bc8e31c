package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keras' 'caffe' preprocessing for ResNet50 (v1): RGB → BGR, minus the ImageNet channel means, no scaling.
 * Input NHWC or NCHW float RGB in [0, 255]; output NCHW BGR.
 */
public final class CaffePreprocessing {

    /** BGR means. */
    public static final float[] MEAN_BGR = {103.939f, 116.779f, 123.68f};

    private CaffePreprocessing() {
    }

    /** From a batch of NHWC RGB [0, 255] images to the network's NCHW input. */
    public static NDArray fromNhwcRgb(NDArray nhwcRgb) {
        NDManager manager = nhwcRgb.getManager();
        NDArray bgr = nhwcRgb.flip(3);
        NDArray mean = manager.create(MEAN_BGR).reshape(1, 1, 1, 3);
        return bgr.sub(mean).transpose(0, 3, 1, 2);
    }
}
