package io.transferlab.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.List;

/** One training epoch of one strategy of one run, as the trainer reported it (the training curves). */
@Entity
@Table(name = "run_epoch")
public class RunEpoch extends PanacheEntityBase {

    @Embeddable
    public record Key(@Column(name = "run_id") String runId, @Column(name = "strategy") String strategy,
                      @Column(name = "epoch") int epoch) implements Serializable {
    }

    @EmbeddedId
    public Key key;
    @Column(name = "study_id")
    public String studyId;
    @Column(name = "train_loss")
    public Double trainLoss;
    @Column(name = "val_loss")
    public Double valLoss;
    @Column(name = "val_accuracy")
    public Double valAccuracy;

    /** A study's epochs, by run, strategy and epoch. */
    public static List<RunEpoch> ofStudy(String studyId) {
        return list("studyId = ?1 order by key.runId, key.strategy, key.epoch", studyId);
    }

    /** Records an epoch; a repeated report of it (a resumed run) replaces the earlier one. */
    public static void record(String studyId, String runId, String strategy, int epoch, Double trainLoss,
                              Double valLoss, Double valAccuracy) {
        Key key = new Key(runId, strategy, epoch);
        RunEpoch row = findById(key);
        if (row == null) {
            row = new RunEpoch();
            row.key = key;
            row.studyId = studyId;
        }
        row.trainLoss = trainLoss;
        row.valLoss = valLoss;
        row.valAccuracy = valAccuracy;
        row.persist();
    }
}
