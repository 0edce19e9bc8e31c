package io.transferlab.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/** One strategy of one run: its training progress, checkpoint and scores. Its state only moves forward. */
@Entity
@Table(name = "run_result")
public class RunResult extends PanacheEntityBase {

    public enum State { QUEUED, TRAINING, EVALUATING, COMPLETE, FAILED }

    @Embeddable
    public record Key(@Column(name = "run_id") String runId, @Column(name = "strategy") String strategy)
            implements Serializable {
    }

    @EmbeddedId
    public Key key;
    @Column(name = "study_id")
    public String studyId;
    @Enumerated(EnumType.STRING)
    public State state;
    public Integer epoch;
    @Column(name = "max_epochs")
    public Integer maxEpochs;
    @Column(name = "train_loss")
    public Double trainLoss;
    @Column(name = "val_loss")
    public Double valLoss;
    @Column(name = "val_accuracy")
    public Double valAccuracy;
    public Integer epochs;
    @Column(name = "best_epoch")
    public Integer bestEpoch;
    @Column(name = "train_seconds")
    public Double trainSeconds;
    @Column(name = "augmentation_mode")
    public String augmentationMode;
    @Column(name = "checkpoint_ref")
    public String checkpointRef;
    @Column(name = "micro_f1")
    public Double microF1;
    @Column(name = "macro_f1")
    public Double macroF1;
    @Column(name = "top1_accuracy")
    public Double top1Accuracy;
    @Column(name = "test_images")
    public Integer testImages;
    @Column(name = "evaluation_ref")
    public String evaluationRef;
    @Column(name = "evaluation_sha256")
    public String evaluationSha256;
    public String message;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<RunResult> ofStudy(String studyId) {
        return list("studyId", studyId);
    }

    /** The result of {@code strategy} on {@code runId}, created on first mention. */
    public static RunResult of(String studyId, String runId, String strategy) {
        RunResult result = findById(new Key(runId, strategy));
        if (result == null) {
            result = new RunResult();
            result.key = new Key(runId, strategy);
            result.studyId = studyId;
        }
        return result;
    }

    public boolean advance(State next) {
        updatedAt = Instant.now();
        if (state == null || next.ordinal() > state.ordinal()) {
            state = next;
            return true;
        }
        return false;
    }
}
