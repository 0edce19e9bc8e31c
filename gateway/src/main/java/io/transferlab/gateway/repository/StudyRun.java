package io.transferlab.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/**
 * One run of a study: a training set (size × seed) and what became of it. Events about a run travel on
 * different topics and may arrive in any order, so a run is created by whichever comes first and its state
 * only moves forward.
 */
@Entity
@Table(name = "study_run")
public class StudyRun extends PanacheEntityBase {

    /** In the order a run goes through them. */
    public enum State { SPLIT, QUEUED, TRAINING, EVALUATING, COMPLETE, FAILED }

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    @Column(name = "split_name")
    public String splitName;
    public Long seed;
    @Column(name = "train_size")
    public Integer trainSize;
    @Column(name = "val_size")
    public Integer valSize;
    @Column(name = "test_size")
    public Integer testSize;
    @Column(name = "class_count")
    public Integer classCount;
    @Column(name = "dataset_version")
    public String datasetVersion;
    @Column(name = "manifest_ref")
    public String manifestRef;
    @Enumerated(EnumType.STRING)
    public State state;
    public String message;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<StudyRun> ofStudy(String studyId) {
        return list("studyId = ?1 order by splitName, seed", studyId);
    }

    /** Moves the run forward to {@code next}; an older event never moves it back. */
    public void advance(State next, String message) {
        if (state == null || next.ordinal() > state.ordinal()) {
            state = next;
            if (message != null) {
                this.message = message;
            }
        }
        updatedAt = Instant.now();
    }
}
