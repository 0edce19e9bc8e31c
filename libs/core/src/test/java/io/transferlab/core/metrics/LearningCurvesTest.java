package io.transferlab.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LearningCurvesTest {

    @Test
    void groupsRunsBySizeOverSeedsAndFitsOnlyStrategiesWithThreeSizes() {
        List<LearningCurves.Run> runs = new ArrayList<>();
        int classes = 10;
        for (int k : new int[]{1, 2, 4, 8, 16}) {
            for (int seed = 0; seed < 3; seed++) {
                // 0.9 − 0.4·k^−0.8, the seeds 0.01 apart; one seed drew an extra image per class
                runs.add(new LearningCurves.Run("lp", "k" + k, classes * k + (seed == 2 ? classes : 0),
                        0.9 - 0.4 * Math.pow(k, -0.8) + 0.01 * (seed - 1)));
            }
        }
        runs.add(new LearningCurves.Run("fe", "k1", 10, 0.4));
        runs.add(new LearningCurves.Run("fe", "k2", 20, 0.5));

        List<LearningCurves.Curve> curves = LearningCurves.of(runs, classes, 7);

        assertThat(curves).extracting(LearningCurves.Curve::strategy).as("fe has two sizes: no curve").containsExactly("lp");
        LearningCurves.Curve lp = curves.get(0);
        assertThat(lp.points()).extracting(LearningCurves.SizePoint::size).containsExactly("k1", "k2", "k4", "k8", "k16");
        assertThat(lp.points().get(0).imagesPerClass()).isCloseTo(4.0 / 3, within(1e-9));
        assertThat(lp.points().get(0).microF1().seeds()).isEqualTo(3);
        assertThat(lp.points().get(0).microF1().mean()).isCloseTo(0.5, within(1e-9));
        assertThat(lp.fit().curve().a()).isBetween(0.85, 0.95);
        assertThat(lp.estimates(List.of(0.8))).singleElement().extracting(LearningCurveFit.Estimate::targetF1)
                .isEqualTo(0.8);
        assertThat(lp.estimates(List.of())).isEqualTo(lp.fit().defaultEstimates());
        assertThatThrownBy(() -> LearningCurves.of(runs, 0, 7)).hasMessageContaining("number of classes");
    }
}
