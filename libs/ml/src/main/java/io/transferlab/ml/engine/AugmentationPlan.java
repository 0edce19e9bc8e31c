package io.transferlab.ml.engine;

/**
 * How a run augments its training images: not at all; with K augmented views per image pushed through the
 * frozen prefix once and one drawn per epoch ("views", cheap on CPUs); or with a fresh view and a full forward
 * through the frozen prefix at every step ("online", exact, for GPUs).
 */
public record AugmentationPlan(String mode, int views) {

    public static final AugmentationPlan NONE = new AugmentationPlan(TransferEngine.MODE_NONE, 0);

    public static AugmentationPlan views(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("views mode needs at least one view per image, was " + k);
        }
        return new AugmentationPlan(TransferEngine.MODE_VIEWS, k);
    }

    public static AugmentationPlan online() {
        return new AugmentationPlan(TransferEngine.MODE_ONLINE, 0);
    }

    public static AugmentationPlan named(String mode, int views) {
        return switch (mode) {
            case TransferEngine.MODE_VIEWS -> views(views);
            case TransferEngine.MODE_ONLINE -> online();
            default -> throw new IllegalArgumentException("unknown augmentation mode '" + mode + "' (views or online)");
        };
    }

    public boolean augmented() {
        return !mode.equals(TransferEngine.MODE_NONE);
    }
}
