package io.transferlab.trainer.repository;

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

/** One strategy of one training set in the device queue. */
@Entity
@Table(name = "training_job")
public class TrainingJob extends LeasedJob {

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    public String strategy;
    @Enumerated(EnumType.STRING)
    public State state;
    public int epoch;
    @Column(name = "max_epochs")
    public int maxEpochs;
    @Column(name = "checkpoint_ref")
    public String checkpointRef;
    @Column(name = "checkpoint_sha256")
    public String checkpointSha256;
    @Column(name = "train_seconds")
    public Double trainSeconds;
    /** The engine and device it trained on, e.g. "PyTorch 2.7.1 on cpu()". */
    public String device;
    public String reason;
    @Column(name = "queued_at")
    public Instant queuedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** The job that must be DONE before this one is claimed (a fine-tuning job's feature-extraction job). */
    @Column(name = "after_job")
    public Long afterJob;

    public static List<TrainingJob> ofStudy(String studyId) {
        return list("studyId = ?1 order by id", studyId);
    }

    public static List<TrainingJob> ofRun(String runId) {
        return list("runId = ?1 order by id", runId);
    }

    public static Optional<TrainingJob> of(String runId, String strategy) {
        return find("runId = ?1 and strategy = ?2", runId, strategy).firstResultOptional();
    }
}
