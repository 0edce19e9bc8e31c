package io.transferlab.gateway.mapping;

import io.transferlab.gateway.repository.RunResult;
import io.transferlab.gateway.repository.StudyRun;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One line of a study's results table: a strategy on a training set (size × seed). */
public record ResultRow(String runId, String size, Long seed, String strategy, String state, Integer trainImages,
                        Integer valImages, Integer testImages, Double microF1, Double macroF1, Double top1Accuracy,
                        Integer epochs, Integer bestEpoch, Double trainSeconds, String augmentationMode,
                        String datasetVersion, String message, Integer epoch, Integer maxEpochs,
                        Double valAccuracy) {

    static final String CSV_HEADER = "run_id,size,seed,strategy,state,train_images,val_images,test_images,micro_f1,"
            + "macro_f1,top1_accuracy,epochs,best_epoch,train_seconds,augmentation_mode,dataset_version";

    /** The rows of a study, ordered by size as the preset lists them, then seed, then strategy. */
    public static List<ResultRow> of(List<StudyRun> runs, List<RunResult> results, List<String> sizeOrder,
                                     List<String> strategyOrder) {
        Map<String, StudyRun> byRun = runs.stream().collect(Collectors.toMap(r -> r.runId, Function.identity()));
        List<ResultRow> rows = new ArrayList<>();
        for (RunResult result : results) {
            StudyRun run = byRun.get(result.key.runId());
            if (run == null) {
                continue;
            }
            rows.add(new ResultRow(run.runId, run.splitName, run.seed, result.key.strategy(), result.state.name(),
                    run.trainSize, run.valSize, run.testSize, result.microF1, result.macroF1, result.top1Accuracy,
                    result.epochs, result.bestEpoch, result.trainSeconds, result.augmentationMode, run.datasetVersion,
                    result.message, result.epoch, result.maxEpochs, result.valAccuracy));
        }
        rows.sort(Comparator.comparingInt((ResultRow r) -> position(sizeOrder, r.size()))
                .thenComparing(r -> r.seed() == null ? 0 : r.seed())
                .thenComparingInt(r -> position(strategyOrder, r.strategy())));
        return rows;
    }

    private static int position(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }

    public static String csv(List<ResultRow> rows) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (ResultRow r : rows) {
            csv.append(String.join(",", r.runId(), cell(r.size()), cell(r.seed()), r.strategy(), r.state(),
                    cell(r.trainImages()), cell(r.valImages()), cell(r.testImages()), number(r.microF1()),
                    number(r.macroF1()), number(r.top1Accuracy()), cell(r.epochs()), cell(r.bestEpoch()),
                    number(r.trainSeconds()), cell(r.augmentationMode()), cell(r.datasetVersion()))).append('\n');
        }
        return csv.toString();
    }

    private static String cell(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String number(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.6f", value);
    }
}
