package io.transferlab.trainer.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A training set this trainer received: queued for training, or rejected with the reason. */
@Entity
@Table(name = "training_set")
public class TrainingSet extends PanacheEntityBase {

    public enum State { QUEUED, REJECTED }

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    @Column(name = "dataset_id")
    public String datasetId;
    @Column(name = "dataset_version")
    public String datasetVersion;
    @Column(name = "split_name")
    public String splitName;
    public long seed;
    @Column(name = "class_count")
    public int classCount;
    @Column(name = "train_size")
    public int trainSize;
    @Column(name = "val_size")
    public int valSize;
    @Column(name = "test_size")
    public int testSize;
    /** Comma-separated, in the order they will run. */
    public String strategies;
    public String backbone;
    @Column(name = "manifest_ref")
    public String manifestRef;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Enumerated(EnumType.STRING)
    public State state;
    public String reason;
    @Column(name = "received_at")
    public Instant receivedAt;

    public static List<TrainingSet> ofStudy(String studyId) {
        return list("studyId = ?1 order by splitName, seed", studyId);
    }
}
