package io.transferlab.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-class F1 of one strategy at one size, averaged over its seeds, worst first (which classes need more data),
 * with the confusion matrix summed over the seeds (rows: true class, columns: predicted) and the class names.
 */
@Schema(description = "Per-class F1 of a strategy at a size over its seeds, worst first, and the summed confusion matrix")
public record ClassScoresView(String size, String strategy, int seeds, List<String> classes, List<ClassF1> worstFirst,
                              int[][] confusion) {

    public record ClassF1(int label, String name, double f1, double precision, double recall, int support) {
    }

    /** One evaluation report (the evaluator's file) of a training set of the given size. */
    public record Evaluated(String size, JsonNode report) {
    }

    static ClassScoresView of(String size, String strategy, List<JsonNode> reports) {
        List<String> classes = new ArrayList<>();
        reports.get(0).path("classes").forEach(c -> classes.add(c.asText()));
        int n = classes.size();
        double[] f1 = new double[n], precision = new double[n], recall = new double[n];
        int[] support = new int[n];
        int[][] confusion = new int[n][n];
        for (JsonNode report : reports) {
            for (JsonNode score : report.path("metrics").path("perClass")) {
                int label = score.path("label").asInt();
                f1[label] += score.path("f1").asDouble() / reports.size();
                precision[label] += score.path("precision").asDouble() / reports.size();
                recall[label] += score.path("recall").asDouble() / reports.size();
                support[label] += score.path("support").asInt();
            }
            JsonNode matrix = report.path("metrics").path("confusion");
            for (int t = 0; t < n && t < matrix.size(); t++) {
                for (int p = 0; p < n && p < matrix.get(t).size(); p++) {
                    confusion[t][p] += matrix.get(t).get(p).asInt();
                }
            }
        }
        List<ClassF1> scores = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            scores.add(new ClassF1(c, classes.get(c), f1[c], precision[c], recall[c], support[c]));
        }
        scores.sort(Comparator.comparingDouble(ClassF1::f1).thenComparing(ClassF1::label));
        return new ClassScoresView(size, strategy, reports.size(), List.copyOf(classes), List.copyOf(scores), confusion);
    }

    /** One view per size that has evaluations, in the preset's size order. */
    public static List<ClassScoresView> of(String strategy, List<Evaluated> evaluated, List<String> sizeOrder) {
        Map<String, List<JsonNode>> bySize = new LinkedHashMap<>();
        sizeOrder.forEach(size -> bySize.put(size, new ArrayList<>()));
        evaluated.forEach(e -> bySize.computeIfAbsent(e.size(), s -> new ArrayList<>()).add(e.report()));
        List<ClassScoresView> views = new ArrayList<>();
        bySize.forEach((size, reports) -> {
            if (!reports.isEmpty()) {
                views.add(of(size, strategy, reports));
            }
        });
        return List.copyOf(views);
    }
}
