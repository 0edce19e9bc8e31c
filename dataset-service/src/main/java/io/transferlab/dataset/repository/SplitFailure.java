package io.transferlab.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A study whose dataset could not be split, and the reason given to the user. */
@Entity
@Table(name = "split_failure")
public class SplitFailure extends PanacheEntityBase {

    @Id
    @Column(name = "study_id")
    public String studyId;
    public String reason;
    @Column(name = "failed_at")
    public Instant failedAt;
}
