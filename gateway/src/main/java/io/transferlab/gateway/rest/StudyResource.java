package io.transferlab.gateway.rest;

import io.transferlab.gateway.mapping.ResultRow;
import io.transferlab.gateway.mapping.StudyRequest;
import io.transferlab.gateway.mapping.StudyVersion;
import io.transferlab.gateway.mapping.StudyView;
import io.transferlab.gateway.repository.Study;
import io.transferlab.gateway.repository.StudyRun;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.transferlab.gateway.mapping.StudyProgress;
import io.transferlab.gateway.service.StudyProgressStream;
import io.transferlab.gateway.service.StudyService;
import org.jboss.resteasy.reactive.RestStreamElementType;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/studies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "studies", description = "How much labelled data do you need? One study answers it for one dataset.")
public class StudyResource {

    @Inject
    StudyService studies;

    @Inject
    StudyProgressStream progress;

    @Inject
    io.transferlab.gateway.service.EvaluationReports reports;

    @POST
    @Operation(summary = "Start a study: split the dataset, train and evaluate every run")
    @APIResponse(responseCode = "201", description = "The study, in state REQUESTED")
    @APIResponse(responseCode = "400", description = "The request names something unusable; the message says what")
    public Response create(StudyRequest request, @Context UriInfo uri) {
        Study study = studies.create(request);
        return Response.created(uri.getAbsolutePathBuilder().path(study.id).build())
                .entity(StudyView.of(study, List.of())).build();
    }

    @POST
    @Path("/{id}/rerun")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run a study again with the same request, as a new study that points to this one")
    @APIResponse(responseCode = "201", description = "The new study, in state REQUESTED")
    public Response rerun(@PathParam("id") String id, @Context UriInfo uri) {
        Study rerun = studies.rerun(id);
        if (rerun == null) {
            throw new NotFoundException("no study " + id);
        }
        return Response.created(uri.getBaseUriBuilder().path("studies").path(rerun.id).build())
                .entity(StudyView.of(rerun, List.of())).build();
    }

    @GET
    @Operation(summary = "All studies, newest first")
    public List<StudyView> list() {
        return Study.<Study>list("order by createdAt desc").stream()
                .map(study -> StudyView.of(study, StudyRun.ofStudy(study.id))).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One study with the state of each of its runs")
    public StudyView one(@PathParam("id") String id) {
        Study study = existing(id);
        return StudyView.of(study, StudyRun.ofStudy(id), studies.results(study));
    }

    @GET
    @Path("/{id}/training")
    @Operation(summary = "The training curves: per strategy and training set, the loss, validation loss and "
            + "validation accuracy of every epoch the trainer reported")
    public List<io.transferlab.gateway.mapping.TrainingCurveView> training(@PathParam("id") String id) {
        Study study = existing(id);
        return studies.trainingCurves(study);
    }

    @GET
    @Path("/{id}/classes")
    @Operation(summary = "Per-class F1 of one strategy at each size (mean over seeds, worst first, with class names)"
            + " and the confusion matrix summed over seeds, from the evaluator's verified report files")
    public List<io.transferlab.gateway.mapping.ClassScoresView> classes(@PathParam("id") String id,
                                                                       @QueryParam("strategy") String strategy) {
        Study study = existing(id);
        if (strategy == null || strategy.isBlank()) {
            throw new IllegalArgumentException("'strategy' is required (one of " + study.strategyList() + ")");
        }
        io.transferlab.core.study.Strategy.of(strategy);
        return reports.classScores(StudyRun.ofStudy(id), io.transferlab.gateway.repository.RunResult.ofStudy(id), strategy,
                io.transferlab.core.split.StudyPreset.named(study.preset).sizeNames());
    }

    @GET
    @Path("/{id}/versions")
    @Operation(summary = "The study and its reruns (by request or on a new dataset version), oldest first: the "
            + "dataset version each ran on and its results, for comparing versions")
    public List<StudyVersion> versions(@PathParam("id") String id) {
        Study study = existing(id);
        return studies.family(study).stream()
                .map(s -> StudyVersion.of(StudyView.of(s, StudyRun.ofStudy(s.id), studies.results(s)), s)).toList();
    }

    @GET
    @Path("/{id}/results")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "The study's results table: one row per strategy and training set (JSON, or CSV with"
            + " Accept: text/csv or ?format=csv)")
    public Response results(@PathParam("id") String id, @QueryParam("format") String format,
                            @Context HttpHeaders headers) {
        Study study = existing(id);
        List<ResultRow> rows = studies.results(study);
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null
                && headers.getAcceptableMediaTypes().stream().anyMatch(m -> "text".equals(m.getType()) && "csv".equals(m.getSubtype())));
        if (format != null && !csv && !"json".equalsIgnoreCase(format)) {
            throw new BadRequestException("unknown format '" + format + "' (json or csv)");
        }
        return csv
                ? Response.ok(ResultRow.csv(rows), "text/csv")
                        .header("Content-Disposition", "attachment; filename=\"study-" + id + "-results.csv\"").build()
                : Response.ok(rows, MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{id}/report")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The study's report page: the results table and the seed's figures")
    @APIResponse(responseCode = "303", description = "To the report page of this study")
    public Response report(@PathParam("id") String id) {
        existing(id);
        return Response.seeOther(java.net.URI.create("/report.html?study=" + id)).build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Live progress of a study as Server-Sent Events: one event whenever it changes, until it"
            + " is complete or failed")
    public Multi<StudyProgress> events(@PathParam("id") String id) {
        existing(id);
        return progress.follow(id);
    }

    private static Study existing(String id) {
        Study study = Study.findById(id);
        if (study == null) {
            throw new NotFoundException("no study " + id);
        }
        return study;
    }
}
