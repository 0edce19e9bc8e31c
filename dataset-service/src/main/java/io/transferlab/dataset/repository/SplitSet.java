package io.transferlab.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A published training set: one split of one dataset version, for one size and seed. */
@Entity
@Table(name = "split_set")
public class SplitSet extends PanacheEntityBase {

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "study_id")
    public String studyId;
    @Column(name = "dataset_id")
    public String datasetId;
    @Column(name = "dataset_version")
    public String datasetVersion;
    @Column(name = "dataset_layout")
    public String datasetLayout;
    public String preset;
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
    @Column(name = "skipped_files")
    public int skippedFiles;
    @Column(name = "manifest_ref")
    public String manifestRef;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Column(name = "created_at")
    public Instant createdAt;

    public static List<SplitSet> ofStudy(String studyId) {
        return list("studyId = ?1 order by splitName, seed", studyId);
    }
}
