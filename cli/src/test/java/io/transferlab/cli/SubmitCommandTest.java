package io.transferlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubmitCommandTest {

    @Test
    void theProgressLineNamesWhatRunsAndItsEpoch() throws Exception {
        var study = new ObjectMapper().readTree("""
                {"state":"TRAINING","expectedRuns":3,"runs":[{},{},{}],"results":[
                 {"size":"large","strategy":"fe","state":"COMPLETE"},
                 {"size":"large","strategy":"ft","state":"TRAINING","epoch":2,"maxEpochs":6,"valAccuracy":0.93125},
                 {"size":"medium","strategy":"fe","state":"QUEUED","epoch":null,"maxEpochs":null},
                 {"size":"small","strategy":"ft5","state":"TRAINING","message":"trial lr 1e-04: epoch 1/2, val loss 0.800, val acc 0.700"}]}""");

        assertThat(SubmitCommand.summary(study)).isEqualTo("TRAINING — 3/3 training set(s), 1/4 result(s)"
                + " | large ft: training epoch 2/6 (val acc 0.931) | medium fe: queued"
                + " | small ft5: training (trial lr 1e-04: epoch 1/2, val loss 0.800, val acc 0.700)");
    }
}
