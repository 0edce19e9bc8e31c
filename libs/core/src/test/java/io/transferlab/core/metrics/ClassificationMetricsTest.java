package io.transferlab.core.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassificationMetricsTest {

    /**
     * Hand-computed: truth 0 0 0 1 1 2, predicted 0 0 1 1 2 2.
     * class 0: tp 2, predicted 2, support 3 → P 1, R 2/3, F1 0.8
     * class 1: tp 1, predicted 2, support 2 → P 1/2, R 1/2, F1 1/2
     * class 2: tp 1, predicted 2, support 1 → P 1/2, R 1, F1 2/3
     * micro = accuracy = 4/6; macro P = 2/3, macro R = 13/18, macro F1 = (0.8 + 0.5 + 2/3) / 3
     */
    @Test
    void matchesAHandComputedCase() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[]{0, 0, 0, 1, 1, 2}, new int[]{0, 0, 1, 1, 2, 2}, 3);
        assertThat(m.microF1()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(m.microPrecision()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(m.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(m.macroPrecision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.macroRecall()).isCloseTo(13 / 18.0, within(1e-12));
        assertThat(m.macroF1()).isCloseTo((0.8 + 0.5 + 2 / 3.0) / 3, within(1e-12));
        assertThat(m.perClass().get(0).f1()).isCloseTo(0.8, within(1e-12));
        assertThat(m.perClass().get(2).support()).isEqualTo(1);
        assertThat(m.confusion()).isDeepEqualTo(new int[][]{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}});
    }

    @Test
    void aClassNeverPredictedCountsZeroPrecisionAndAnAbsentClassIsIgnored() {
        // class 1 is never predicted; class 3 never occurs at all
        ClassificationMetrics m = ClassificationMetrics.of(new int[]{0, 1, 2, 2}, new int[]{0, 0, 2, 2}, 4);
        assertThat(m.perClass().get(1).precision()).isZero();
        assertThat(m.perClass().get(1).f1()).isZero();
        // present classes 0, 1, 2: P = (1/2 + 0 + 1) / 3, R = (1 + 0 + 1) / 3
        assertThat(m.macroPrecision()).isCloseTo(0.5, within(1e-12));
        assertThat(m.macroRecall()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.macroF1()).isCloseTo((2 / 3.0 + 0 + 1) / 3, within(1e-12));
    }

    @Test
    void topKCountsTheTrueClassAmongTheHighestScores() {
        float[][] scores = {{0.5f, 0.3f, 0.2f}, {0.5f, 0.3f, 0.2f}, {0.1f, 0.2f, 0.7f}};
        ClassificationMetrics m = ClassificationMetrics.of(new int[]{0, 1, 0}, new int[]{0, 0, 2}, 3, scores, new int[]{1, 2, 3});
        assertThat(m.topKAccuracy()).containsExactly(1 / 3.0, 2 / 3.0, 1.0);
    }

    @Test
    void refusesInconsistentInput() {
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[]{0}, new int[]{0, 1}, 2)).hasMessageContaining("1 true labels but 2");
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[]{0}, new int[]{5}, 2)).hasMessageContaining("prediction 5 is outside");
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[0], new int[0], 2)).hasMessageContaining("no samples");
    }
}
