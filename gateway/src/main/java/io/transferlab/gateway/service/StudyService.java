package io.transferlab.gateway.service;

import io.transferlab.core.dataset.DatasetIndex;
import io.transferlab.core.events.CheckpointCreated;
import io.transferlab.core.events.DatasetVersionChanged;
import io.transferlab.core.events.EvaluationCompleted;
import io.transferlab.core.events.RunFailed;
import io.transferlab.core.events.SplitManifestPublished;
import io.transferlab.core.events.StudyRequested;
import io.transferlab.core.events.TrainingProgress;
import io.transferlab.core.split.StudyPreset;
import io.transferlab.core.storage.StorageRoot;
import io.transferlab.core.study.Backbone;
import io.transferlab.core.study.Strategy;
import io.transferlab.gateway.mapping.ResultRow;
import io.transferlab.gateway.mapping.StudyRequest;
import io.transferlab.gateway.repository.RunEpoch;
import io.transferlab.gateway.repository.RunResult;
import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;
import io.transferlab.platform.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Creates studies from requests and follows them through the events of the other services. */
@ApplicationScoped
public class StudyService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(StudyService.class);

    @Inject
    StorageRoot storage;

    @Inject
    EventPublisher publisher;

    /** What creating a study with an idempotency key did: made it, or found the one an earlier POST made. */
    public record Created(Study study, boolean replayed) {
    }

    /**
     * As {@link #create(StudyRequest)}, under a client's Idempotency-Key: the key's first request creates the study,
     * the same request again returns that study (nothing new is stored or published), and another request with the
     * same key is refused.
     */
    @Transactional
    public Created create(StudyRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return new Created(create(request), false);
        }
        if (!idempotencyKey.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new IllegalArgumentException("the Idempotency-Key header must be 1 to 100 characters of letters, digits"
                    + " and . _ : -");
        }
        Study earlier = Study.find("idempotencyKey", idempotencyKey).firstResult();
        Resolved resolved = resolve(request);
        if (earlier != null) {
            if (!earlier.requestFingerprint.equals(resolved.fingerprint())) {
                throw new IdempotencyKeyReused("Idempotency-Key '" + idempotencyKey + "' was used for another request"
                        + " (study " + earlier.id + "); use a new key for a new study");
            }
            return new Created(earlier, true);
        }
        return new Created(store(resolved, idempotencyKey), false);
    }

    /** An Idempotency-Key sent again with a different request. */
    public static final class IdempotencyKeyReused extends RuntimeException {
        public IdempotencyKeyReused(String message) {
            super(message);
        }
    }

    /** The study an Idempotency-Key created, if any (after a concurrent POST with the same key won the insert). */
    @Transactional
    public Study byIdempotencyKey(String idempotencyKey) {
        return Study.find("idempotencyKey", idempotencyKey).firstResult();
    }

    /** A request with every default applied and every name checked, and its fingerprint. */
    private record Resolved(String datasetPath, StudyPreset preset, List<String> sizes, List<String> strategies,
                            List<Long> seeds, List<Double> targets, String backbone, Integer classLimit,
                            boolean rerunOnChange) {

        String fingerprint() {
            String canonical = String.join("\n", datasetPath, preset.name(), String.join(",", sizes),
                    String.join(",", strategies), seeds.toString(), targets.toString(), backbone,
                    String.valueOf(classLimit), String.valueOf(rerunOnChange));
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Validates the request, stores the study and publishes StudyRequested, all in one transaction. */
    @Transactional
    public Study create(StudyRequest request) {
        return store(resolve(request), null);
    }

    private Resolved resolve(StudyRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("a study request body is required");
        }
        if (request.datasetPath() == null || request.datasetPath().isBlank()) {
            throw new IllegalArgumentException("'datasetPath' is required (a folder under the storage root)");
        }
        Path dataset = storage.resolve(request.datasetPath());
        if (!Files.isDirectory(dataset)) {
            throw new IllegalArgumentException("dataset path '" + request.datasetPath()
                    + "' is not a folder under the storage root " + storage);
        }
        StudyPreset preset = StudyPreset.named(orDefault(request.preset(), StudyPreset.SEED_2020.name()));
        List<String> sizes = distinct(orDefault(request.sizes(), preset.sizeNames()));
        sizes.forEach(preset::size);
        List<String> strategies = distinct(orDefault(request.strategies(), List.of(Strategy.FE.id(), Strategy.FT.id())));
        strategies.forEach(Strategy::of);
        List<Long> seeds = distinct(orDefault(request.seeds(), defaultSeeds(preset)));
        List<Double> requestedTargets = orDefault(request.targetF1(), List.of());
        for (Double target : requestedTargets) {
            if (target == null || !(target > 0 && target < 1)) {
                throw new IllegalArgumentException("'targetF1' values must be between 0 and 1 (exclusive), was "
                        + target);
            }
        }
        List<Double> targets = distinct(requestedTargets);
        String backbone = Backbone.of(orDefault(request.backbone(), Backbone.RESNET50.id())).requireSupported().id();
        if (request.classLimit() != null && request.classLimit() < 2) {
            throw new IllegalArgumentException("'classLimit' must be at least 2, was " + request.classLimit());
        }
        return new Resolved(storage.referenceOf(dataset), preset, sizes, strategies, seeds, targets, backbone,
                request.classLimit(), Boolean.TRUE.equals(request.rerunOnChange()));
    }

    private Study store(Resolved request, String idempotencyKey) {
        StudyPreset preset = request.preset();
        List<String> sizes = request.sizes();
        List<String> strategies = request.strategies();
        List<Long> seeds = request.seeds();
        List<Double> targets = request.targets();
        String backbone = request.backbone();
        Study study = new Study();
        study.id = UUID.randomUUID().toString();
        study.datasetPath = request.datasetPath();
        study.preset = preset.name();
        study.sizes = String.join(",", sizes);
        study.strategies = String.join(",", strategies);
        study.seeds = seeds.stream().map(String::valueOf).collect(Collectors.joining(","));
        study.backbone = backbone;
        study.classLimit = request.classLimit();
        study.rerunOnChange = request.rerunOnChange();
        study.requestFingerprint = request.fingerprint();
        study.idempotencyKey = idempotencyKey;
        study.targetF1 = targets.isEmpty() ? null
                : targets.stream().map(String::valueOf).collect(Collectors.joining(","));
        study.expectedRuns = sizes.size() * seeds.size();
        study.state = Study.State.REQUESTED;
        study.createdAt = Instant.now();
        study.updatedAt = study.createdAt;
        study.persist();
        publisher.publish(StudyRequested.of(study.id, study.datasetPath, study.preset, sizes, strategies, seeds,
                backbone, study.classLimit));
        return study;
    }

    /** A new study with the same request (the dataset is split again, so a changed dataset is picked up). */
    @Transactional
    public Study rerun(String studyId) {
        Study original = Study.findById(studyId);
        return original == null ? null : rerun(original, "rerun of " + original.id + " requested");
    }

    private Study rerun(Study original, String reason) {
        Study rerun = create(new StudyRequest(original.datasetPath, original.preset, original.sizeList(),
                original.strategyList(), original.seedList(), original.backbone, original.classLimit, null,
                original.targetF1List()));
        rerun.rerunOf = original.id;
        rerun.triggerReason = reason;
        return rerun;
    }

    /**
     * A dataset has a new content version: every study of that folder that follows its dataset reruns on it,
     * unless its own training sets already come from that version. The rerun does not follow the dataset itself
     * (the study that does stays the one that reruns), so one change gives one rerun per following study.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onDatasetVersionChanged(DatasetVersionChanged event) {
        List<Study> following = Study.list("datasetPath = ?1 and rerunOnChange = true order by createdAt",
                event.datasetPath());
        for (Study study : following) {
            List<String> versions = StudyRun.ofStudy(study.id).stream().map(r -> r.datasetVersion)
                    .filter(java.util.Objects::nonNull).map(DatasetIndex::fullVersion).distinct().toList();
            if (versions.equals(List.of(event.version()))) {
                continue;
            }
            Study rerun = rerun(study, "dataset " + event.datasetPath() + " changed: version " + event.previousVersion()
                    + " → " + event.version());
            LOG.infof("study %s reruns as %s: %s", study.id, rerun.id, rerun.triggerReason);
        }
    }

    /** A study and the reruns that came from it, and theirs: the root first, then by creation time. */
    public List<Study> family(Study study) {
        Study root = study;
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (root.rerunOf != null && seen.add(root.id)) {
            Study parent = Study.findById(root.rerunOf);
            if (parent == null) {
                break;
            }
            root = parent;
        }
        List<Study> family = new java.util.ArrayList<>(List.of(root));
        for (int i = 0; i < family.size(); i++) {
            family.addAll(Study.<Study>list("rerunOf = ?1 order by createdAt", family.get(i).id));
        }
        family.subList(1, family.size()).sort(java.util.Comparator.comparing(s -> s.createdAt));
        return family;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onSplitPublished(SplitManifestPublished event) {
        Study study = lockStudy(event.studyId());
        if (study == null) {
            return; // a study of another gateway database: not ours to track
        }
        StudyRun run = runOf(event.studyId(), event.runId());
        run.splitName = event.splitName();
        run.seed = event.seed();
        run.trainSize = event.trainSize();
        run.valSize = event.valSize();
        run.testSize = event.testSize();
        run.classCount = event.classCount();
        run.datasetVersion = event.datasetVersion();
        run.manifestRef = event.manifestRef();
        run.advance(StudyRun.State.SPLIT, event.skippedFiles() > 0
                ? event.skippedFiles() + " unreadable file(s) of the dataset left out" : null);
        run.persist();
        refresh(study);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onTrainingProgress(TrainingProgress event) {
        Study study = lockStudy(event.studyId());
        if (study == null) {
            return;
        }
        StudyRun run = runOf(event.studyId(), event.runId());
        if (event.phase() == TrainingProgress.Phase.QUEUED) {
            run.advance(StudyRun.State.QUEUED, event.message());
            run.persist();
        } else if (event.strategy() != null) {
            updateResult(study, event.runId(), event.strategy(), result -> {
                if (event.phase() == TrainingProgress.Phase.EPOCH) {
                    RunEpoch.record(study.id, event.runId(), event.strategy(), event.epoch(), event.trainLoss(),
                            event.valLoss(), event.valAccuracy());
                    result.advance(RunResult.State.TRAINING);
                    result.message = null; // the run proper has begun: a trial's line no longer says where it is
                    if (result.epoch == null || event.epoch() >= result.epoch) {
                        result.epoch = event.epoch();
                        result.maxEpochs = event.maxEpochs();
                        result.trainLoss = event.trainLoss();
                        result.valLoss = event.valLoss();
                        result.valAccuracy = event.valAccuracy();
                    }
                } else if (event.phase() == TrainingProgress.Phase.TRIAL) {
                    // a learning-rate trial before the run: progress to show, not an epoch of its curve
                    result.advance(RunResult.State.TRAINING);
                    result.message = event.message();
                } else {
                    result.advance(RunResult.State.EVALUATING);
                    result.message = event.message();
                }
            });
        }
        refresh(study);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onCheckpointCreated(CheckpointCreated event) {
        Study study = lockStudy(event.studyId());
        if (study == null) {
            return;
        }
        updateResult(study, event.runId(), event.strategy(), result -> {
            result.advance(RunResult.State.EVALUATING);
            result.epochs = event.epochs();
            result.bestEpoch = event.bestEpoch();
            result.trainSeconds = event.trainSeconds();
            result.augmentationMode = event.augmentationMode();
            result.checkpointRef = event.checkpointRef();
        });
        refresh(study);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onEvaluationCompleted(EvaluationCompleted event) {
        Study study = lockStudy(event.studyId());
        if (study == null) {
            return;
        }
        updateResult(study, event.runId(), event.strategy(), result -> {
            result.advance(RunResult.State.COMPLETE);
            result.microF1 = event.microF1();
            result.macroF1 = event.macroF1();
            result.top1Accuracy = event.top1Accuracy();
            result.testImages = event.testImages();
            result.evaluationRef = event.evaluationRef();
            result.evaluationSha256 = event.evaluationSha256();
        });
        refresh(study);
    }

    /** Applies one event's news to a strategy's result (created on first mention), then the run follows its results. */
    private static void updateResult(Study study, String runId, String strategy, Consumer<RunResult> update) {
        StudyRun run = runOf(study.id, runId);
        run.advance(StudyRun.State.TRAINING, null); // a run first heard of through a result is past its queueing
        run.persist();
        RunResult result = RunResult.of(study.id, runId, strategy);
        update.accept(result);
        result.persist();
        followResults(study, run);
    }

    /**
     * A run is complete when every strategy it trains (fine-tuning's feature-extraction base included) is
     * evaluated; until then it is training while any of them still trains, else evaluating.
     */
    private static void followResults(Study study, StudyRun run) {
        if (run.state == StudyRun.State.FAILED) {
            return;
        }
        List<String> planned = plannedStrategies(study);
        java.util.Map<String, RunResult> byStrategy = new java.util.HashMap<>();
        RunResult.<RunResult>list("key.runId", run.runId).forEach(r -> byStrategy.put(r.key.strategy(), r));
        if (planned.stream().allMatch(s -> byStrategy.containsKey(s) && byStrategy.get(s).state == RunResult.State.COMPLETE)) {
            run.state = StudyRun.State.COMPLETE;
            run.message = "every strategy evaluated";
        } else if (planned.stream().anyMatch(s -> !byStrategy.containsKey(s)
                || byStrategy.get(s).state.ordinal() < RunResult.State.EVALUATING.ordinal())) {
            run.state = StudyRun.State.TRAINING;
        } else {
            run.state = StudyRun.State.EVALUATING;
        }
        run.updatedAt = Instant.now();
    }

    /** What the trainer trains for each run: the asked strategies and the feature extraction fine-tuning starts from. */
    public static List<String> plannedStrategies(Study study) {
        return Strategy.trainingPlan(study.strategyList().stream().map(Strategy::of).toList())
                .stream().map(Strategy::id).toList();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void onRunFailed(RunFailed event) {
        Study study = lockStudy(event.studyId());
        if (study == null) {
            return;
        }
        String reason = event.service() + " (" + event.stage() + "): " + event.reason();
        if (event.runId() != null) {
            StudyRun run = runOf(event.studyId(), event.runId());
            run.advance(StudyRun.State.FAILED, reason);
            run.persist();
        }
        study.state = Study.State.FAILED;
        study.failureReason = study.failureReason == null ? reason : study.failureReason;
        study.updatedAt = Instant.now();
    }

    /**
     * Events of one study arrive on several topics at once; locking the study row makes their transactions
     * take turns, so a run is created once and the study's state is computed from all of them.
     */
    private static Study lockStudy(String studyId) {
        return Study.findById(studyId, LockModeType.PESSIMISTIC_WRITE);
    }

    private static StudyRun runOf(String studyId, String runId) {
        StudyRun run = StudyRun.findById(runId);
        if (run == null) {
            run = new StudyRun();
            run.runId = runId;
            run.studyId = studyId;
        }
        return run;
    }

    /** The study's state follows its runs: splitting until every training set is at the trainer, then training. */
    private static void refresh(Study study) {
        study.updatedAt = Instant.now();
        study.stalledSince = null; // an event came: whatever it waited for has moved
        study.stallReason = null;
        if (study.state == Study.State.FAILED) {
            return;
        }
        List<StudyRun> runs = StudyRun.ofStudy(study.id);
        long split = runs.stream().filter(r -> r.splitName != null).count();
        if (split < study.expectedRuns || runs.stream().anyMatch(r -> r.state == StudyRun.State.SPLIT)) {
            study.state = Study.State.SPLITTING; // until every training set has reached the trainer
        } else if (runs.stream().allMatch(r -> r.state == StudyRun.State.COMPLETE)) {
            study.state = Study.State.COMPLETE;
        } else if (runs.stream().anyMatch(r -> r.state == StudyRun.State.EVALUATING)) {
            study.state = Study.State.EVALUATING;
        } else {
            study.state = Study.State.TRAINING;
        }
    }

    /** The preset's number of seeds, counting up from 42 (the CLI's default seed). */
    private static List<Long> defaultSeeds(StudyPreset preset) {
        return java.util.stream.LongStream.range(42, 42 + preset.defaultSeeds()).boxed().toList();
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null || (value instanceof List<?> list && list.isEmpty()) ? fallback : value;
    }

    private static <T> List<T> distinct(List<T> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }

    /** The training curves of a study's runs, ordered as its results table. */
    public List<io.transferlab.gateway.mapping.TrainingCurveView> trainingCurves(Study study) {
        return io.transferlab.gateway.mapping.TrainingCurveView.of(StudyRun.ofStudy(study.id),
                RunEpoch.ofStudy(study.id), StudyPreset.named(study.preset).sizeNames(), Strategy.ids());
    }

    /** The results table of a study, in the preset's size order and the strategies' own order. */
    public List<ResultRow> results(Study study) {
        List<String> sizeOrder = StudyPreset.named(study.preset).sizeNames();
        return ResultRow.of(StudyRun.ofStudy(study.id), RunResult.ofStudy(study.id), sizeOrder, Strategy.ids());
    }
}
