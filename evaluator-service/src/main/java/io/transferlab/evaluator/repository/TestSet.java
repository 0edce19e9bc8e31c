package io.transferlab.evaluator.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** The test part of a training set: the images a run's checkpoints are scored on. */
@Entity
@Table(name = "test_set")
public class TestSet extends PanacheEntityBase {

    public enum State { READY, REJECTED }

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    @Column(name = "split_name")
    public String splitName;
    public long seed;
    @Column(name = "class_count")
    public int classCount;
    @Column(name = "test_size")
    public int testSize;
    @Column(name = "manifest_ref")
    public String manifestRef;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Enumerated(EnumType.STRING)
    public State state;
    public String reason;
    @Column(name = "received_at")
    public Instant receivedAt;

    public static List<TestSet> ofStudy(String studyId) {
        return list("studyId = ?1 order by splitName, seed", studyId);
    }
}
