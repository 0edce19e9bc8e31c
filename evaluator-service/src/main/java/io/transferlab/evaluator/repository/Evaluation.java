package io.transferlab.evaluator.repository;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.transferlab.platform.work.LeasedJob;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The score of one trained checkpoint on its training set's test part. */
@Entity
@Table(name = "evaluation")
public class Evaluation extends LeasedJob {

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    public String strategy;
    @Column(name = "checkpoint_ref")
    public String checkpointRef;
    @Column(name = "checkpoint_sha256")
    public String checkpointSha256;
    @Column(name = "manifest_ref")
    public String manifestRef;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "test_images")
    public Integer testImages;
    @Column(name = "micro_precision")
    public Double microPrecision;
    @Column(name = "micro_recall")
    public Double microRecall;
    @Column(name = "micro_f1")
    public Double microF1;
    @Column(name = "macro_precision")
    public Double macroPrecision;
    @Column(name = "macro_recall")
    public Double macroRecall;
    @Column(name = "macro_f1")
    public Double macroF1;
    @Column(name = "top1_accuracy")
    public Double top1Accuracy;
    @Column(name = "top5_accuracy")
    public Double top5Accuracy;
    @Column(name = "per_class")
    @JsonRawValue
    public String perClass;
    @JsonRawValue
    public String confusion;
    @Column(name = "evaluation_ref")
    public String evaluationRef;
    /** The SHA-256 of the report file, as the EvaluationCompleted event carries it. */
    @Column(name = "evaluation_sha256")
    public String evaluationSha256;
    public String reason;
    @Column(name = "queued_at")
    public Instant queuedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    public static List<Evaluation> ofStudy(String studyId) {
        return list("studyId = ?1 order by id", studyId);
    }

    public static Optional<Evaluation> of(String runId, String strategy) {
        return find("runId = ?1 and strategy = ?2", runId, strategy).firstResultOptional();
    }

    @JsonIgnore
    public boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }
}
