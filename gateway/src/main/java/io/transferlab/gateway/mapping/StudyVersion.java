package io.transferlab.gateway.mapping;

import io.transferlab.gateway.repository.Study;

import java.time.Instant;
import java.util.List;

/** One study of a family (a study and its reruns): the dataset version it ran on, and its results. */
public record StudyVersion(String studyId, String state, List<String> datasetVersions, String rerunOf,
                           boolean rerunOnChange, String triggerReason, Instant createdAt, List<ResultRow> results) {

    public static StudyVersion of(StudyView view, Study study) {
        return new StudyVersion(study.id, study.state.name(), view.datasetVersions(), study.rerunOf,
                study.rerunOnChange, study.triggerReason, study.createdAt, view.results());
    }
}
