package io.transferlab.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores of a single-label classifier on a test set: micro and macro precision / recall / F1, per-class figures,
 * the confusion matrix and top-k accuracy. Micro averages pool every decision (for single-label data micro P = R
 * = F1 = accuracy); macro averages give each class that occurs in the labels or the predictions the same weight,
 * a class never predicted counting precision 0 (scikit-learn's zero_division=0).
 *
 * @param confusion confusion[true][predicted] counts
 */
public record ClassificationMetrics(int samples, double microPrecision, double microRecall, double microF1,
                                    double macroPrecision, double macroRecall, double macroF1, double accuracy,
                                    List<ClassScore> perClass, int[][] confusion, double[] topKAccuracy) {

    /** Per-class precision, recall, F1 and support (the number of true samples). */
    public record ClassScore(int label, double precision, double recall, double f1, int support, int predicted) {
    }

    /** From true and predicted labels in [0, classes). */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int classes) {
        return of(truth, predicted, classes, null, new int[0]);
    }

    /**
     * @param scores one row of class scores per sample (for top-k), or null
     * @param topK   the k values to report top-k accuracy for (ignored without scores)
     */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int classes, float[][] scores, int[] topK) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("no samples to score");
        }
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            check(truth[i], classes, "true label");
            check(predicted[i], classes, "prediction");
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        List<ClassScore> perClass = new ArrayList<>();
        double sumP = 0, sumR = 0, sumF = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            int tp = confusion[c][c];
            int support = 0, predictedAs = 0;
            for (int k = 0; k < classes; k++) {
                support += confusion[c][k];
                predictedAs += confusion[k][c];
            }
            double p = predictedAs == 0 ? 0 : tp / (double) predictedAs;
            double r = support == 0 ? 0 : tp / (double) support;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            perClass.add(new ClassScore(c, p, r, f, support, predictedAs));
            if (support > 0 || predictedAs > 0) {
                sumP += p;
                sumR += r;
                sumF += f;
                present++;
            }
        }
        double accuracy = correct / (double) truth.length;
        double[] topKAccuracy = new double[scores == null ? 0 : topK.length];
        for (int j = 0; j < topKAccuracy.length; j++) {
            topKAccuracy[j] = topK(truth, scores, topK[j]);
        }
        return new ClassificationMetrics(truth.length, accuracy, accuracy, accuracy, sumP / present, sumR / present,
                sumF / present, accuracy, List.copyOf(perClass), confusion, topKAccuracy);
    }

    /** The share of samples whose true class is among the k highest scores. */
    static double topK(int[] truth, float[][] scores, int k) {
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            float own = scores[i][truth[i]];
            int higher = 0;
            for (float s : scores[i]) {
                if (s > own) {
                    higher++;
                }
            }
            if (higher < k) {
                hits++;
            }
        }
        return hits / (double) truth.length;
    }

    private static void check(int label, int classes, String what) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(what + " " + label + " is outside [0, " + classes + ")");
        }
    }
}
