package io.transferlab.core.study;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategyTest {

    @Test
    void aFineTuningBringsItsBaseRunAndTheProbeBringsNothing() {
        assertThat(Strategy.trainingPlan(List.of(Strategy.FT))).containsExactly(Strategy.FE, Strategy.FT);
        assertThat(Strategy.trainingPlan(List.of(Strategy.FT_AUG, Strategy.LP)))
                .containsExactly(Strategy.FE_AUG, Strategy.FT_AUG, Strategy.LP);
        assertThat(Strategy.trainingPlan(List.of(Strategy.LP, Strategy.FT))).containsExactly(Strategy.FE, Strategy.FT,
                Strategy.LP);
        assertThat(Strategy.LP.base()).isEqualTo(Strategy.LP);
        assertThat(Strategy.FT_AUG.base()).isEqualTo(Strategy.FE_AUG);
        assertThat(Strategy.LP.linearProbe()).isTrue();
        assertThat(Strategy.LP.fineTuning()).isFalse();
        assertThat(Strategy.trainingPlan(List.of(Strategy.FT5))).containsExactly(Strategy.FE, Strategy.FT5);
        assertThat(Strategy.FT5.base()).isEqualTo(Strategy.FE);
        assertThat(List.of(Strategy.FE.unfrozenUnits(), Strategy.FT.unfrozenUnits(), Strategy.FT5.unfrozenUnits(),
                Strategy.FT5_AUG.unfrozenUnits())).containsExactly(0, 1, 3, 3);
        assertThat(Strategy.trainingPlan(List.of(Strategy.FT5_AUG))).containsExactly(Strategy.FE_AUG, Strategy.FT5_AUG);
        assertThat(Strategy.FT5_AUG.augmented()).isTrue();
        assertThat(List.of(Strategy.FT5.choosesLearningRate(), Strategy.FT5_AUG.choosesLearningRate(),
                Strategy.FT.choosesLearningRate())).containsExactly(true, true, false);
    }

    @Test
    void everyStrategyIsDescribedAndUnknownOnesAreNamed() {
        for (Strategy s : Strategy.values()) {
            assertThat(s.description()).isNotBlank();
            assertThat(Strategy.of(s.id())).isEqualTo(s);
        }
        assertThatThrownBy(() -> Strategy.of("svm")).hasMessageContaining("unknown strategy 'svm'")
                .hasMessageContaining("lp");
    }
}
