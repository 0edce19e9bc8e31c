package io.transferlab.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One content version of a dataset, with what its scan counted and could not use. */
@Entity
@Table(name = "dataset_version")
public class DatasetVersion extends PanacheEntityBase {

    public record ClassCount(String name, int images) {
    }

    public record UnreadableFile(String path, String reason) {
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "dataset_id")
    public String datasetId;
    public String version;
    public String layout;
    @Column(name = "class_count")
    public int classCount;
    @Column(name = "image_count")
    public int imageCount;
    @Column(name = "unreadable_count")
    public int unreadableCount;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "class_counts")
    public List<ClassCount> classCounts;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<UnreadableFile> unreadable;
    @Column(name = "first_seen_at")
    public Instant firstSeenAt;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    public static Optional<DatasetVersion> of(String datasetId, String version) {
        return find("datasetId = ?1 and version = ?2", datasetId, version).firstResultOptional();
    }

    /** Oldest first. */
    public static List<DatasetVersion> history(String datasetId) {
        return list("datasetId = ?1 order by firstSeenAt, id", datasetId);
    }
}
