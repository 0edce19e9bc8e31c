package io.transferlab.gateway.mapping;

import io.transferlab.gateway.repository.RunEpoch;
import io.transferlab.gateway.repository.StudyRun;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One strategy of one run: its losses and validation accuracy per epoch (the report page's training curves). */
@Schema(description = "The training curve of one strategy on one training set")
public record TrainingCurveView(String runId, String size, Long seed, String strategy, List<Epoch> epochs) {

    public record Epoch(int epoch, Double trainLoss, Double valLoss, Double valAccuracy) {
    }

    /** The curves of a study, in the order of its sizes (as the preset lists them), seeds and strategies. */
    public static List<TrainingCurveView> of(List<StudyRun> runs, List<RunEpoch> epochs, List<String> sizeOrder,
                                             List<String> strategyOrder) {
        Map<String, StudyRun> byRun = runs.stream().collect(Collectors.toMap(r -> r.runId, Function.identity()));
        Map<String, List<Epoch>> grouped = new LinkedHashMap<>();
        Map<String, RunEpoch> first = new LinkedHashMap<>();
        for (RunEpoch e : epochs) {
            String key = e.key.runId() + "|" + e.key.strategy();
            grouped.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new Epoch(e.key.epoch(), e.trainLoss, e.valLoss, e.valAccuracy));
            first.putIfAbsent(key, e);
        }
        List<TrainingCurveView> curves = new ArrayList<>();
        for (Map.Entry<String, List<Epoch>> entry : grouped.entrySet()) {
            RunEpoch any = first.get(entry.getKey());
            StudyRun run = byRun.get(any.key.runId());
            if (run == null) {
                continue;
            }
            List<Epoch> sorted = entry.getValue().stream().sorted(java.util.Comparator.comparingInt(Epoch::epoch)).toList();
            curves.add(new TrainingCurveView(run.runId, run.splitName, run.seed, any.key.strategy(), sorted));
        }
        curves.sort(java.util.Comparator.comparingInt((TrainingCurveView c) -> position(sizeOrder, c.size()))
                .thenComparing(c -> c.seed() == null ? 0 : c.seed())
                .thenComparingInt(c -> position(strategyOrder, c.strategy())));
        return List.copyOf(curves);
    }

    private static int position(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }
}
