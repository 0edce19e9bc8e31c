package io.transferlab.ml.backbone;

import ai.djl.ndarray.NDArray;

/**
 * Keras' 'caffe' preprocessing for ResNet50 (v1): BGR channel order, minus the ImageNet channel means, no
 * scaling. The image pipeline already yields BGR, so only the means are subtracted and the layout changed.
 */
public final class CaffePreprocessing {

    public static final String ID = "caffe-bgr-mean";
    /** BGR means. */
    public static final float[] MEAN_BGR = {103.939f, 116.779f, 123.68f};

    private CaffePreprocessing() {
    }

    /** From a batch of NHWC BGR [0, 255] images to the network's NCHW input. */
    public static NDArray fromNhwcBgr(NDArray nhwcBgr) {
        NDArray mean = nhwcBgr.getManager().create(MEAN_BGR).reshape(1, 1, 1, 3);
        return nhwcBgr.sub(mean).transpose(0, 3, 1, 2);
    }
}
