package io.transferlab.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A registered dataset: a folder under the storage root and the content version its last scan found. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    @Id
    public String id;
    public String name;
    /** The folder, relative to the storage root: what studies name. */
    public String path;
    public String layout;
    /** The content version of the last successful scan. */
    public String version;
    @Column(name = "registered_at")
    public Instant registeredAt;
    @Column(name = "scanned_at")
    public Instant scannedAt;

    public static Optional<Dataset> atPath(String path) {
        return find("path", path).firstResultOptional();
    }

    public static List<Dataset> all() {
        return list("order by name, id");
    }
}
