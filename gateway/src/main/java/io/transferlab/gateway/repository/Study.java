package io.transferlab.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A study as the gateway keeps it: what was asked for and how far it got. */
@Entity
@Table(name = "study")
public class Study extends PanacheEntityBase {

    public enum State { REQUESTED, SPLITTING, TRAINING, EVALUATING, COMPLETE, FAILED }

    @Id
    public String id;
    @Column(name = "dataset_path")
    public String datasetPath;
    public String preset;
    /** Comma-separated lists, as requested. */
    public String sizes;
    public String strategies;
    public String seeds;
    public String backbone;
    @Column(name = "class_limit")
    public Integer classLimit;
    /** Training sets the study will have: sizes × seeds. */
    @Column(name = "expected_runs")
    public int expectedRuns;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "failure_reason")
    public String failureReason;
    /** The study this one repeats, if it is a rerun. */
    @Column(name = "rerun_of")
    public String rerunOf;
    /** Whether a new content version of the dataset reruns this study. */
    @Column(name = "rerun_on_change")
    public boolean rerunOnChange;
    /** What started a rerun: a user's request, or a new dataset version (null for a study a user posted). */
    @Column(name = "trigger_reason")
    public String triggerReason;
    /** The micro-F1 targets the learning-curve answer is for, comma-separated; null for the defaults. */
    @Column(name = "target_f1")
    public String targetF1;
    /** The client's Idempotency-Key, if its POST carried one (unique). */
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    /** SHA-256 of the request as resolved (defaults applied): what a repeated key must match. */
    @Column(name = "request_fingerprint")
    public String requestFingerprint;
    /** Since when the study has waited too long for its next event (null: not stalled). */
    @Column(name = "stalled_since")
    public Instant stalledSince;
    /** What a stalled study waits for. */
    @Column(name = "stall_reason")
    public String stallReason;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public List<String> sizeList() {
        return split(sizes);
    }

    public List<String> strategyList() {
        return split(strategies);
    }

    public List<Long> seedList() {
        return split(seeds).stream().map(Long::valueOf).toList();
    }

    /** The requested micro-F1 targets; empty for the defaults (95 % of the plateau, and 0.9). */
    public List<Double> targetF1List() {
        return targetF1 == null ? List.of() : split(targetF1).stream().map(Double::valueOf).toList();
    }

    private static List<String> split(String joined) {
        return Arrays.stream(joined.split(",")).filter(s -> !s.isBlank()).toList();
    }
}
